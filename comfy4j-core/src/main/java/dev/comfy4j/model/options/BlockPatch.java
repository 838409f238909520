package dev.comfy4j.model.options;

import dev.comfy4j.tensor.Tensor;

/** UNet block patches, ComfyUI's {@code input_block_patch(_after_skip)} and {@code output_block_patch}. */
public final class BlockPatch {
    private BlockPatch() {}

    /** {@code h = p(h, transformer_options)} after an input block. Records. */
    @FunctionalInterface
    public interface Input {
        /** The new h (may be h itself), in the caller's scope. */
        Tensor apply(Tensor h, TransformerOptions options);
    }

    /** {@code h, hsp = p(h, hsp, transformer_options)} before an output block concatenates its skip. Records. */
    @FunctionalInterface
    public interface Output {
        HiddenAndSkip apply(Tensor h, Tensor skip, TransformerOptions options);
    }

    public record HiddenAndSkip(Tensor h, Tensor skip) {}
}
