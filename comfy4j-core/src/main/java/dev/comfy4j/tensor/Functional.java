package dev.comfy4j.tensor;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.InterpolateFuncOptions;
import org.bytedeco.pytorch.InterpolateMode;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * The neural-network functions SD needs, named after {@code torch.nn.functional} / {@code torch}.
 * Stateless; every call returns a new tensor owned like any other (see {@link TensorScope}).
 */
public final class Functional {
    private Functional() {}

    private static TensorOptional optional(Tensor t) {
        return t == null ? new TensorOptional() : new TensorOptional(t.raw());
    }

    /** {@code F.conv2d(x, weight, bias, stride, padding)} with dilation 1 and one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long stride, long padding) {
        return conv2d(x, weight, bias, stride, padding, 1, 1);
    }

    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long stride, long padding, long dilation, long groups) {
        return Tensor.call(() -> torch.conv2d(x.raw(), weight.raw(), optional(bias),
                new long[]{stride, stride}, new long[]{padding, padding}, new long[]{dilation, dilation}, groups));
    }

    /**
     * {@code F.conv_transpose2d(x, weight, bias, stride, padding, output_padding)}. On the CPU the input is
     * made channels-last first: libtorch 2.10's transposed convolution is wrong on NCHW input for some channel
     * counts (32 -> 48 in float32: rel-L2 7e-2; bfloat16 below 16 channels: 0.3-0.6) and right on channels-last
     * input in every case checked (ConvTranspose2dTest). The result has the input's layout.
     */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, long stride, long padding, long outputPadding) {
        if (x.device().isCuda() || x.isChannelsLast()) return convTranspose2dAsIs(x, weight, bias, stride, padding, outputPadding);
        try (TensorScope scope = TensorScope.open()) {
            Tensor out = convTranspose2dAsIs(x.contiguousChannelsLast(), weight, bias, stride, padding, outputPadding);
            return scope.keep(out.contiguous());
        }
    }

    private static Tensor convTranspose2dAsIs(Tensor x, Tensor weight, Tensor bias, long stride, long padding, long outputPadding) {
        return Tensor.call(() -> torch.conv_transpose2d(x.raw(), weight.raw(), optional(bias),
                new long[]{stride, stride}, new long[]{padding, padding}, new long[]{outputPadding, outputPadding}, 1, 1, 1));
    }

    /** {@code F.linear(x, weight, bias)}: {@code x @ weight.T + bias}; bias may be null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return Tensor.call(() -> torch.linear(x.raw(), weight.raw(), optional(bias)));
    }

    public static Tensor groupNorm(Tensor x, long groups, Tensor weight, Tensor bias, double eps) {
        return Tensor.call(() -> torch.group_norm(x.raw(), groups, optional(weight), optional(bias), eps, true));
    }

    /** Layer norm over the last {@code normalizedShape.length} dimensions. */
    public static Tensor layerNorm(Tensor x, long[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return Tensor.call(() -> torch.layer_norm(x.raw(), normalizedShape, optional(weight), optional(bias), eps, true));
    }

    /**
     * {@code F.scaled_dot_product_attention(q, k, v, attn_mask=mask)} with no dropout, not causal, the
     * default scale 1/sqrt(head_dim). {@code mask} may be null.
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor mask) {
        return Tensor.call(() -> torch.scaled_dot_product_attention(q.raw(), k.raw(), v.raw(), optional(mask), 0.0, false,
                new DoubleOptional(), false));
    }

    /** {@code torch.baddbmm(input, a, b, beta=beta, alpha=alpha)}: {@code beta*input + alpha*(a @ b)}. */
    public static Tensor baddbmm(Tensor input, Tensor a, Tensor b, double beta, double alpha) {
        return Tensor.call(() -> torch.baddbmm(input.raw(), a.raw(), b.raw(), new Scalar(beta), new Scalar(alpha)));
    }

    public static Tensor bmm(Tensor a, Tensor b) {
        return Tensor.call(() -> torch.bmm(a.raw(), b.raw()));
    }

    /**
     * {@code torch.bmm(a, b, out=out)}: writes {@code a @ b} into {@code out} (which must have the result's
     * shape) and returns {@code out}; lets a loop reuse one buffer instead of allocating per call.
     */
    public static Tensor bmmInto(Tensor out, Tensor a, Tensor b) {
        Tensor.call(() -> torch.bmm_out(out.raw(), a.raw(), b.raw())).close();
        return out;
    }

    /** {@code torch.softmax(x, dim)} computed in place ({@code out=x}); returns {@code x}. */
    public static Tensor softmax_(Tensor x, long dim) {
        Tensor.call(() -> torch.softmax_out(x.raw(), x.raw(), dim)).close();
        return x;
    }

    public static Tensor matmul(Tensor a, Tensor b) {
        return Tensor.call(() -> torch.matmul(a.raw(), b.raw()));
    }

    public static Tensor einsum(String equation, java.util.List<Tensor> operands) {
        return Tensor.call(() -> torch.einsum(equation, Tensor.vector(operands)));
    }

    public static Tensor softmax(Tensor x, long dim) {
        return Tensor.call(() -> torch.softmax(x.raw(), dim));
    }

    /** Exact (erf) GELU. */
    public static Tensor gelu(Tensor x) {
        return Tensor.call(() -> torch.gelu(x.raw()));
    }

    /** GELU with the tanh approximation ({@code approximate="tanh"}). */
    public static Tensor geluTanh(Tensor x) {
        return Tensor.call(() -> torch.gelu(x.raw(), "tanh"));
    }

    public static Tensor silu(Tensor x) {
        return Tensor.call(() -> torch.silu(x.raw()));
    }

    /** {@code F.leaky_relu(x, slope, inplace=True)}: negative values times {@code slope}, in place; returns {@code x}. */
    public static Tensor leakyRelu_(Tensor x, double slope) {
        Tensor.call(() -> torch.leaky_relu_(x.raw(), new Scalar(slope))).close();
        return x;
    }

    /** {@code F.prelu(x, weight)}: negative values times the per-channel {@code weight} (dim 1). */
    public static Tensor prelu(Tensor x, Tensor weight) {
        return Tensor.call(() -> torch.prelu(x.raw(), weight.raw()));
    }

    /** {@code F.pixel_shuffle(x, factor)}: [B, C*f*f, H, W] to [B, C, H*f, W*f]. */
    public static Tensor pixelShuffle(Tensor x, long factor) {
        return Tensor.call(() -> torch.pixel_shuffle(x.raw(), factor));
    }

    /** {@code F.pixel_unshuffle(x, factor)}: [B, C, H*f, W*f] to [B, C*f*f, H, W]. */
    public static Tensor pixelUnshuffle(Tensor x, long factor) {
        return Tensor.call(() -> torch.pixel_unshuffle(x.raw(), factor));
    }

    /** Zero (or {@code value}) padding: {@code pads} = (left, right, top, bottom, ...) as in {@code F.pad}. */
    public static Tensor pad(Tensor x, long[] pads, double value) {
        return Tensor.call(() -> torch.constant_pad_nd(x.raw(), pads, new Scalar(value)));
    }

    /** {@code F.pad(x, pads, mode)} for {@code "reflect"}, {@code "replicate"} or {@code "circular"}. */
    public static Tensor pad(Tensor x, long[] pads, String mode) {
        return Tensor.call(() -> torch.pad(x.raw(), pads, mode, new DoubleOptional()));
    }

    /**
     * {@code F.interpolate(x, size=(height, width), mode=..., align_corners=False, antialias=...)} on an
     * NCHW tensor. {@code antialias} only applies to bilinear and bicubic, as in torch.
     */
    public static Tensor interpolate(Tensor x, long height, long width, Interpolation mode, boolean antialias) {
        if (antialias && mode != Interpolation.BILINEAR && mode != Interpolation.BICUBIC) {
            throw new IllegalArgumentException("antialias only works with bilinear and bicubic, not " + mode.comfyName());
        }
        return Tensor.call(() -> {
            InterpolateFuncOptions o = new InterpolateFuncOptions();
            o.size().put(new LongVector(height, width));
            InterpolateMode m = o.mode();
            switch (mode) {
                case NEAREST -> m.put(new org.bytedeco.pytorch.kNearest());
                case NEAREST_EXACT -> m.put(new org.bytedeco.pytorch.kNearestExact());
                case BILINEAR -> m.put(new org.bytedeco.pytorch.kBilinear());
                case BICUBIC -> m.put(new org.bytedeco.pytorch.kBicubic());
                case AREA -> m.put(new org.bytedeco.pytorch.kArea());
            }
            if (mode == Interpolation.BILINEAR || mode == Interpolation.BICUBIC) o.align_corners().put(false);
            o.antialias().put(antialias);
            return torch.interpolate(x.raw(), o);
        });
    }

    /** {@code torch.linalg.svd(a, full_matrices=False)}: {@code a = u @ diag(s) @ vh}, singular values descending. */
    public record Svd(Tensor u, Tensor s, Tensor vh) {}

    public static Svd svd(Tensor a) {
        java.util.List<Tensor> r = Tensor.callAll(() -> {
            var t = torch.linalg_svd(a.raw(), false, new org.bytedeco.pytorch.StringViewOptional());
            return new org.bytedeco.pytorch.Tensor[] {t.get0(), t.get1(), t.get2()};
        });
        return new Svd(r.get(0), r.get(1), r.get(2));
    }

    /** {@code torch.inverse}: the inverse of each square matrix of the last two dimensions. */
    public static Tensor inverse(Tensor a) {
        return Tensor.call(() -> torch.inverse(a.raw()));
    }

    /** The k-th smallest element (1-based) of a one-dimensional tensor, as a 0-dim tensor ({@code torch.kthvalue}). */
    public static Tensor kthValue(Tensor flat, long k) {
        return Tensor.callAll(() -> new org.bytedeco.pytorch.Tensor[] {torch.kthvalue(flat.raw(), k, 0, false).get0()}).getFirst();
    }

    public static Tensor elu(Tensor x) {
        return Tensor.call(() -> torch.elu(x.raw()));
    }

    /** {@code F.leaky_relu} with the default slope 0.01. */
    public static Tensor leakyRelu(Tensor x) {
        return Tensor.call(() -> torch.leaky_relu(x.raw()));
    }

    public static Tensor hardswish(Tensor x) {
        return Tensor.call(() -> torch.hardswish(x.raw()));
    }

    public static Tensor mish(Tensor x) {
        return Tensor.call(() -> torch.mish(x.raw()));
    }
}
