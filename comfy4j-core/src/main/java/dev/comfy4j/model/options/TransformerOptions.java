package dev.comfy4j.model.options;

import dev.comfy4j.tensor.Tensor;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What ComfyUI's {@code transformer_options} (and the {@code extra_options} the attention patches get) say
 * during one UNet call: the patches, the sigmas of the batch, which batch chunks are cond (0) or uncond (1),
 * the input's shape, and where in the UNet the call is ({@link #block()}, {@link #blockIndex()}, heads).
 * The UNet updates the position as it goes; one instance per UNet call, not shared between threads.
 */
public final class TransformerOptions {
    private final TransformerPatches patches;
    private final Tensor sigmas;
    private final List<Integer> condOrUncond;
    private long[] originalShape;
    private BlockId block;
    private int blockIndex;
    private long heads;
    private long headDim;
    private final Map<Object, Object> pending = new IdentityHashMap<>();

    public TransformerOptions(TransformerPatches patches, Tensor sigmas, List<Integer> condOrUncond) {
        this.patches = patches;
        this.sigmas = sigmas;
        this.condOrUncond = List.copyOf(condOrUncond);
    }

    public TransformerPatches patches() {
        return patches;
    }

    /** The sigma per entry of the batch the UNet runs ({@code transformer_options["sigmas"]}). */
    public Tensor sigmas() {
        return sigmas;
    }

    public List<Integer> condOrUncond() {
        return condOrUncond;
    }

    public long[] originalShape() {
        return originalShape.clone();
    }

    public BlockId block() {
        return block;
    }

    public int blockIndex() {
        return blockIndex;
    }

    /** {@code n_heads} of the current attention. */
    public long heads() {
        return heads;
    }

    /** {@code dim_head} of the current attention. */
    public long headDim() {
        return headDim;
    }

    public void setOriginalShape(long[] shape) {
        originalShape = shape.clone();
    }

    public void setBlock(BlockId block) {
        this.block = block;
        this.blockIndex = 0;
    }

    public void setBlockIndex(int index) {
        blockIndex = index;
    }

    public void setHeads(long heads, long headDim) {
        this.heads = heads;
        this.headDim = headDim;
    }

    /**
     * Hands {@code value} from a patch's attention-input half to its output half within this UNet call (ToMe's
     * unmerge), under {@code owner}; per call rather than in the patch, so that runs on other threads never see it.
     */
    public void putPending(Object owner, Object value) {
        pending.put(owner, value);
    }

    /** What {@link #putPending} left under {@code owner}, removed; null if nothing. */
    public Object takePending(Object owner) {
        return pending.remove(owner);
    }
}
