package dev.comfy4j.model.patch;

/** One step of a component's {@link WeightPatches}: a LoRA file, or weights merged from another model. */
public sealed interface WeightPatch permits LoraFilePatch, MergePatch {
    /** What the patch does, for cache keys: equal identities patch equally. */
    String identity();

    /** Patches the weights of {@code target}. */
    void apply(PatchTarget target) throws Exception;
}
