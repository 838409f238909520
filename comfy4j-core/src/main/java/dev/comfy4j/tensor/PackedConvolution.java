package dev.comfy4j.tensor;

import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * 2-D convolutions with the weight reordered once into oneDNN's blocked layout (what {@code torch.utils.mkldnn}
 * does for inference). A plain {@link Functional#conv2d} reorders its weight on every call: at small inputs that
 * reorder is most of the time (a 1280-channel 3x3 conv on a 2x2 input: 21 ms plain, 1 ms packed; bench/README.md,
 * "Packed convolution weights"). The input and output pay a reorder instead, so large inputs stay plain.
 * CPU only; the packed weight is an opaque tensor that only {@link #conv2d} reads.
 */
public final class PackedConvolution {
    private PackedConvolution() {}

    /** Whether this libtorch can pack weights (a CPU build with oneDNN). */
    public static boolean available() {
        return Holder.AVAILABLE;
    }

    /** {@code weight} [out, in, k, k] packed for inputs shaped like {@code inputShape} (others still work, reordered per call). */
    public static Tensor pack(Tensor weight, long stride, long padding, long[] inputShape) {
        if (weight.device().isCuda()) throw new IllegalArgumentException("packed convolution weights are for the CPU");
        return Tensor.call(() -> torch.mkldnn_reorder_conv2d_weight(weight.raw().contiguous().to_mkldnn(), new long[]{padding, padding},
                new long[]{stride, stride}, new long[]{1, 1}, 1, inputShape));
    }

    /** {@code F.conv2d(x, weight, bias, stride, padding)} with a {@link #pack packed} weight; the result is contiguous (NCHW). */
    public static Tensor conv2d(Tensor x, Tensor packedWeight, Tensor bias, long stride, long padding) {
        return Tensor.call(() -> torch.mkldnn_convolution(x.raw().to_mkldnn(), packedWeight.raw(),
                bias == null ? new TensorOptional() : new TensorOptional(bias.raw()), new long[]{padding, padding},
                new long[]{stride, stride}, new long[]{1, 1}, 1).to_dense());
    }

    private static final class Holder {
        static final boolean AVAILABLE;

        static {
            TorchRuntime.ensureStarted();
            AVAILABLE = torch.hasMKLDNN();
        }
    }
}
