package dev.comfy4j.model.unet;

import dev.comfy4j.model.options.TransformerOptions;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * ComfyUI's {@code SpatialTransformer}: group norm (eps 1e-6), a projection in (1x1 conv for SD1,
 * linear for SD2/SDXL), the transformer blocks over the H*W tokens, a projection out, plus the input.
 */
final class SpatialTransformer implements UnetLayer {
    private final GroupNorm norm;
    private final Conv2d convIn;
    private final Conv2d convOut;
    private final Linear linearIn;
    private final Linear linearOut;
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final Supplier<TransformerOptions> options;

    SpatialTransformer(WeightLoader w, String name, long channels, long heads, long headDim, int depth, long contextDim,
            boolean linearProjection, Supplier<TransformerOptions> options) {
        this.options = options;
        long inner = heads * headDim;
        norm = new GroupNorm(w, name + ".norm", channels, 1e-6);
        if (linearProjection) {
            linearIn = new Linear(w, name + ".proj_in", channels, inner, true);
            linearOut = new Linear(w, name + ".proj_out", inner, channels, true);
            convIn = convOut = null;
        } else {
            convIn = new Conv2d(w, name + ".proj_in", channels, inner, 1, 1, 0);
            convOut = new Conv2d(w, name + ".proj_out", inner, channels, 1, 1, 0);
            linearIn = linearOut = null;
        }
        for (int i = 0; i < depth; i++) {
            blocks.add(new TransformerBlock(w, name + ".transformer_blocks." + i, inner, heads, headDim, contextDim));
        }
    }

    @Override
    public Tensor forward(Tensor x, Tensor embActivated, Tensor context, long[] outputShape) {
        long b = x.size(0);
        long h = x.size(2);
        long w = x.size(3);
        try (TensorScope scope = TensorScope.open()) {
            Tensor t = norm.forward(x);
            if (convIn != null) t = convIn.forward(t);
            long c = t.size(1);
            t = t.permute(0, 2, 3, 1).reshape(b, h * w, c).contiguous();
            if (linearIn != null) t = linearIn.forward(t);
            TransformerOptions opts = options.get();
            for (int i = 0; i < blocks.size(); i++) {
                if (opts != null) opts.setBlockIndex(i);
                t = blocks.get(i).forward(t, context, opts);
            }
            if (linearOut != null) t = linearOut.forward(t);
            Tensor grid = t.reshape(b, h, w, t.size(2)).permute(0, 3, 1, 2);
            // With channels-last activations (never at 1x1, see UNetModel) the permuted view already has the
            // layout of the rest of the network. In an NCHW network it must be copied back: a channels-last
            // tensor would spread to the downsamplers, and at 1x1 conv2d misreads its strides.
            t = x.isChannelsLast() && h * w > 1 ? grid : toNchw(grid);
            if (convOut != null) t = convOut.forward(t);
            return scope.keep(t.add_(x)); // t is this block's own fresh tensor
        }
    }

    /**
     * A copy with plain NCHW strides. {@code contiguous()} is not enough: at 1x1 spatial size the
     * permuted tensor already counts as contiguous while its strides are channels-last ones, and
     * libtorch 2.10's CPU conv2d then computes a wrong 1x1 convolution for batches over 1 (9% off).
     */
    private static Tensor toNchw(Tensor permuted) {
        return Tensor.empty(permuted.dtype(), permuted.device(), permuted.shape()).copy_(permuted);
    }
}
