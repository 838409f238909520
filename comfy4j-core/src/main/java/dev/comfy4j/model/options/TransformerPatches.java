package dev.comfy4j.model.options;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ComfyUI's {@code transformer_options["patches"]} and {@code ["patches_replace"]} as the UNet reads them.
 * Lists run in the order the nodes added them.
 */
public record TransformerPatches(List<BlockPatch.Input> inputBlock, List<BlockPatch.Input> inputBlockAfterSkip,
                                 List<BlockPatch.Output> outputBlock, List<AttentionPatch.Input> attn1,
                                 List<AttentionPatch.Output> attn1Output, List<AttentionPatch.Input> attn2,
                                 List<AttentionPatch.Output> attn2Output, Map<BlockId, AttentionPatch.Replace> attn1Replace,
                                 Map<BlockId, AttentionPatch.Replace> attn2Replace) {
    public static final TransformerPatches NONE = new TransformerPatches(List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of(), List.of(), Map.of(), Map.of());

    public TransformerPatches {
        inputBlock = List.copyOf(inputBlock);
        inputBlockAfterSkip = List.copyOf(inputBlockAfterSkip);
        outputBlock = List.copyOf(outputBlock);
        attn1 = List.copyOf(attn1);
        attn1Output = List.copyOf(attn1Output);
        attn2 = List.copyOf(attn2);
        attn2Output = List.copyOf(attn2Output);
        attn1Replace = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attn1Replace));
        attn2Replace = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attn2Replace));
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    /** Whether any attention patch or replacement is set (the transformer blocks' plain path otherwise). */
    public boolean touchesAttention() {
        return !attn1.isEmpty() || !attn1Output.isEmpty() || !attn2.isEmpty() || !attn2Output.isEmpty()
                || !attn1Replace.isEmpty() || !attn2Replace.isEmpty();
    }

    /** {@code set_model_input_block_patch}. */
    public TransformerPatches withInputBlock(BlockPatch.Input p) {
        return new TransformerPatches(ModelOptions.append(inputBlock, p), inputBlockAfterSkip, outputBlock, attn1, attn1Output,
                attn2, attn2Output, attn1Replace, attn2Replace);
    }

    /** {@code set_model_input_block_patch_after_skip}. */
    public TransformerPatches withInputBlockAfterSkip(BlockPatch.Input p) {
        return new TransformerPatches(inputBlock, ModelOptions.append(inputBlockAfterSkip, p), outputBlock, attn1, attn1Output,
                attn2, attn2Output, attn1Replace, attn2Replace);
    }

    /** {@code set_model_output_block_patch}. */
    public TransformerPatches withOutputBlock(BlockPatch.Output p) {
        return new TransformerPatches(inputBlock, inputBlockAfterSkip, ModelOptions.append(outputBlock, p), attn1, attn1Output,
                attn2, attn2Output, attn1Replace, attn2Replace);
    }

    /** {@code set_model_attn1_patch}. */
    public TransformerPatches withAttn1(AttentionPatch.Input p) {
        return new TransformerPatches(inputBlock, inputBlockAfterSkip, outputBlock, ModelOptions.append(attn1, p), attn1Output,
                attn2, attn2Output, attn1Replace, attn2Replace);
    }

    /** {@code set_model_attn1_output_patch}. */
    public TransformerPatches withAttn1Output(AttentionPatch.Output p) {
        return new TransformerPatches(inputBlock, inputBlockAfterSkip, outputBlock, attn1, ModelOptions.append(attn1Output, p),
                attn2, attn2Output, attn1Replace, attn2Replace);
    }

    /** {@code set_model_attn2_patch}. */
    public TransformerPatches withAttn2(AttentionPatch.Input p) {
        return new TransformerPatches(inputBlock, inputBlockAfterSkip, outputBlock, attn1, attn1Output,
                ModelOptions.append(attn2, p), attn2Output, attn1Replace, attn2Replace);
    }

    /** {@code set_model_attn2_output_patch}. */
    public TransformerPatches withAttn2Output(AttentionPatch.Output p) {
        return new TransformerPatches(inputBlock, inputBlockAfterSkip, outputBlock, attn1, attn1Output, attn2,
                ModelOptions.append(attn2Output, p), attn1Replace, attn2Replace);
    }

    /** {@code set_model_attn1_replace} / {@code set_model_options_patch_replace(..., "attn1", ...)}. */
    public TransformerPatches withAttn1Replace(BlockId block, AttentionPatch.Replace p) {
        Map<BlockId, AttentionPatch.Replace> m = new LinkedHashMap<>(attn1Replace);
        m.put(block, p);
        return new TransformerPatches(inputBlock, inputBlockAfterSkip, outputBlock, attn1, attn1Output, attn2, attn2Output, m,
                attn2Replace);
    }

    /** {@code set_model_attn2_replace}. */
    public TransformerPatches withAttn2Replace(BlockId block, AttentionPatch.Replace p) {
        Map<BlockId, AttentionPatch.Replace> m = new LinkedHashMap<>(attn2Replace);
        m.put(block, p);
        return new TransformerPatches(inputBlock, inputBlockAfterSkip, outputBlock, attn1, attn1Output, attn2, attn2Output,
                attn1Replace, m);
    }
}
