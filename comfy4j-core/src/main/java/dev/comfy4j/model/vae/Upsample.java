package dev.comfy4j.model.vae;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Interpolation;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * ComfyUI's {@code Upsample}: nearest-neighbour x2, then a 3x3 conv with padding 1.
 *
 * <p>By default ({@code fused}) it computes the same thing as one transposed convolution (stride 2, 4x4
 * kernel, padding 1), without the 4x larger upsampled tensor: output row {@code 2i} sees input rows
 * {@code i-1} (kernel row 0) and {@code i} (rows 1 + 2), output row {@code 2i+1} rows {@code i} (rows 0 + 1)
 * and {@code i+1} (row 2), and likewise for columns. So each output pixel costs 4 taps instead of 9, and the
 * result comes out in the input's memory layout with nothing to interleave. The tap sums change the rounding
 * order only (about 1e-7 relative in float32). It replaced a phase-split 2x2 conv and interleave: the float32
 * decode went from 10.6-11.0 to 8.2-9.6 s, bfloat16 stayed level (bench/README.md, "transposed-conv upsample").
 */
final class Upsample {
    /**
     * Row {@code t} of the transposed kernel as a sum of 3x3 kernel rows: a transposed conv with stride 2 and
     * padding 1 reaches output row {@code 2i + a} from input row {@code p} through kernel row {@code 2i + a + 1 - 2p}
     * (t = 3, 1 for a = 0 from p = i - 1, i; t = 2, 0 for a = 1 from p = i, i + 1).
     */
    private static final float[] ROWS_FROM_3X3 = {
        0, 0, 1, // t = 0: row 2 (a = 1, input row i + 1)
        0, 1, 1, // t = 1: rows 1 + 2 (a = 0, input row i)
        1, 1, 0, // t = 2: rows 0 + 1 (a = 1, input row i)
        1, 0, 0, // t = 3: row 0 (a = 0, input row i - 1)
    };

    private final Conv2d conv;
    private final Param weight;
    private final Param bias;
    private final boolean fused;

    Upsample(Conv2d conv, Param weight, Param bias, boolean fused) {
        this.conv = conv;
        this.weight = weight;
        this.bias = bias;
        this.fused = fused;
    }

    Tensor forward(Tensor x) {
        if (fused) return forwardTransposed(x);
        Tensor up = Functional.interpolate(x, x.size(2) * 2, x.size(3) * 2, Interpolation.NEAREST, false);
        Tensor out = conv.forward(up);
        up.close();
        return out;
    }

    private Tensor forwardTransposed(Tensor x) {
        Tensor w3 = weight.use();
        Tensor b = bias.use();
        try (TensorScope scope = TensorScope.open()) {
            // The tap sums in float32, rounded once to the compute dtype.
            Tensor kernel = transposedKernel(w3.to(DType.F32)).to(w3.dtype());
            Tensor input = x.dtype() == w3.dtype() ? x : x.to(w3.dtype());
            Tensor out = Functional.convTranspose2d(input, kernel, b, 2, 1, 0);
            if (out.dtype() != x.dtype()) out = out.to(x.dtype());
            return scope.keep(out);
        } finally {
            weight.done(w3);
            bias.done(b);
        }
    }

    /** The 3x3 kernel [C_out, C_in, 3, 3] as the transposed convolution's 4x4 kernel [C_in, C_out, 4, 4]. */
    static Tensor transposedKernel(Tensor w3) {
        Tensor rows = Tensor.fromFloats(ROWS_FROM_3X3, 4, 3);
        Tensor k = Functional.matmul(Functional.matmul(rows, w3), rows.transpose(0, 1)); // rows . w . rows^T per channel pair
        return k.transpose(0, 1).contiguous();
    }
}
