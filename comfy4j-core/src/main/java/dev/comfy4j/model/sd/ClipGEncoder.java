package dev.comfy4j.model.sd;

import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.clip.ClipTextModel;
import dev.comfy4j.model.clip.OpenClipTowerWeights;
import dev.comfy4j.model.patch.LoraKeyMap;
import dev.comfy4j.model.patch.PatchableComponent;
import dev.comfy4j.model.patch.WeightPatches;
import java.nio.file.Path;
import java.util.Map;

/**
 * SDXL's CLIP-G as a patchable component: the OpenCLIP ViT-bigG text tower of {@code file} under
 * {@code prefix} (open_clip or Hugging Face layout), seen under ComfyUI's names ({@link OpenClipTowerWeights}), with
 * the CLIP's patches. A {@link ClipHandle} makes one when it needs it; it is not a CLIP value itself.
 *
 * @param besideClipL whether a CLIP-L encodes beside it (SDXL base), which decides its LoRA key names
 */
record ClipGEncoder(ModelManager manager, Path file, String prefix, WeightPatches patches, boolean besideClipL)
        implements PatchableComponent {

    @Override
    public StateDict weightsView(StateDict file) {
        return OpenClipTowerWeights.clipG(file, prefix);
    }

    @Override
    public boolean viewHoldsThisComponentOnly() {
        return true;
    }

    @Override
    public Map<String, String> loraKeys(StateDict weights) {
        return LoraKeyMap.clipG(weights.keys(), OpenClipTowerWeights.CLIP_G_PREFIX, besideClipL);
    }

    /** The loaded tower, for one computation; fp16 weights stay mapped and are widened per layer. */
    ModelManager.Lease<LoadedComponent<ClipTextModel>> acquire() throws Exception {
        return ComponentLoads.acquire(manager, "CLIP-G", file, prefix, 1.0, this, ClipTextModel::fromClipGWeights);
    }
}
