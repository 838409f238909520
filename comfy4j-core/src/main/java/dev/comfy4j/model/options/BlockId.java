package dev.comfy4j.model.options;

/**
 * A UNet block as ComfyUI's {@code transformer_options["block"]} names it: ("input", i), ("middle", 0) or
 * ("output", i); {@code transformerIndex} null for the block as a whole, else one transformer of it (the
 * key of a {@code patches_replace} entry).
 */
public record BlockId(String name, int number, Integer transformerIndex) {
    public static BlockId of(String name, int number) {
        return new BlockId(name, number, null);
    }

    public BlockId withTransformer(int index) {
        return new BlockId(name, number, index);
    }

    public BlockId block() {
        return transformerIndex == null ? this : of(name, number);
    }
}
