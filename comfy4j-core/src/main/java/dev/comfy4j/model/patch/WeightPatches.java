package dev.comfy4j.model.patch;

import dev.comfy4j.model.StateDict;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The patches applied to one model component, in the order the nodes added them (LoRA loaders,
 * merges). A value: it names files, other components and strengths, and the weights are patched when
 * the component is loaded ({@link #applyTo}), so a workflow's MODEL and CLIP stay cheap to pass
 * around and to cache.
 */
public record WeightPatches(List<WeightPatch> steps) {
    private static final Logger LOG = LoggerFactory.getLogger(WeightPatches.class);

    public static final WeightPatches NONE = new WeightPatches(List.of());

    public WeightPatches {
        steps = List.copyOf(steps);
    }

    /** These patches with {@code patch} added last. */
    public WeightPatches with(WeightPatch patch) {
        List<WeightPatch> more = new ArrayList<>(steps);
        more.add(patch);
        return new WeightPatches(more);
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    /** Identifies the patched weights: the steps, in order. */
    public String cacheKey() {
        return steps.stream().map(WeightPatch::identity).collect(Collectors.joining("|"));
    }

    /**
     * {@code base}, the weights of {@code component}, with every step applied in order to float32
     * copies of the weights it touches (ComfyUI's {@code calculate_weight} in its float32
     * intermediate dtype). The base is untouched; the returned view owns only the patched copies.
     */
    public StateDict applyTo(StateDict base, PatchableComponent component) throws Exception {
        PatchTarget target = new PatchTarget(base, component);
        try {
            for (WeightPatch step : steps) step.apply(target);
        } catch (Exception | Error e) {
            target.patched().values().forEach(Tensor::close);
            throw e;
        }
        LOG.debug("patched {} weights in {} step(s)", target.patched().size(), steps.size());
        return StateDict.overlay(base, target.patched());
    }
}
