package dev.comfy4j.nodes.conditioning;

import dev.comfy4j.nodes.HoldsTensors;
import dev.comfy4j.tensor.Tensor;
import java.util.function.Consumer;

/**
 * ComfyUI's CLIP_VISION_OUTPUT ({@code comfy.clip_vision.Output}): what a CLIP vision encoder returns
 * for a batch of images. unCLIP models read {@code imageEmbeds}; style models and IP-adapters read the
 * hidden states. Fields a given encoder does not produce are null.
 *
 * @param lastHiddenState [B, tokens, width] after the final layer norm
 * @param imageEmbeds [B, projection_dim], the projected pooled embedding
 * @param penultimateHiddenState [B, tokens, width] of the layer before the last
 * @param mmProjected [B, tokens, dim] of encoders with a multimodal projector (e.g. LLaVA-style), else null
 */
public record ClipVisionOutput(Tensor lastHiddenState, Tensor imageEmbeds, Tensor penultimateHiddenState, Tensor mmProjected)
        implements HoldsTensors {
    /** The encoder's outputs belong to this value (a CLIPVisionEncode result), not to the model. */
    @Override
    public void forEachTensor(Consumer<Tensor> action) {
        for (Tensor t : new Tensor[] {lastHiddenState, imageEmbeds, penultimateHiddenState, mmProjected}) {
            if (t != null) action.accept(t);
        }
    }
}
