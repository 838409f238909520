package dev.comfy4j.nodes.conditioning;

import dev.comfy4j.nodes.NodeRegistry;

/**
 * Registers the conditioning nodes. ComfyUI lists them in three places of {@code /object_info}
 * (nodes.py order), so the catalogue calls one method at each place.
 */
public final class ConditioningNodes {
    private ConditioningNodes() {}

    /** After EmptyImage: Average, Combine, Concat, SetArea, SetAreaPercentage, SetAreaStrength, SetMask. */
    public static void registerBasic(NodeRegistry r) {
        r.register(ConditioningAverage::new);
        r.register(ConditioningCombine::new);
        r.register(ConditioningConcat::new);
        r.register(ConditioningSetArea::new);
        r.register(ConditioningSetAreaPercentage::new);
        r.register(ConditioningSetAreaStrength::new);
        r.register(ConditioningSetMask::new);
    }

    /** After LatentCrop (where StyleModelApply comes in ComfyUI): unCLIPConditioning. */
    public static void registerUnClip(NodeRegistry r) {
        r.register(UnClipConditioning::new);
    }

    /** After SaveLatent: ConditioningZeroOut, ConditioningSetTimestepRange. */
    public static void registerAdvanced(NodeRegistry r) {
        r.register(ConditioningZeroOut::new);
        r.register(ConditioningSetTimestepRange::new);
    }
}
