package dev.comfy4j.model.vae;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Interpolation;
import dev.comfy4j.tensor.Tensor;
import java.util.List;

/**
 * ComfyUI's {@code Upsample}: nearest-neighbour x2, then a 3x3 conv with padding 1.
 *
 * <p>By default it computes the same thing without the 4x larger upsampled tensor: output pixel
 * {@code (2i+a, 2j+b)} sees input rows {@code i-1, i} (a = 0) or {@code i, i+1} (a = 1), each row of
 * the 3x3 kernel landing on one of them, and likewise for columns. So each of the four output phases
 * is a 2x2 conv of the input whose taps are sums of the 3x3 taps: one conv with {@code 4 x C_out}
 * outputs on the padded input, 16 taps per output pixel instead of 36, then the phases interleaved.
 * The sums change the rounding order only (about 1e-7 relative).
 */
final class Upsample {
    private final Conv2d conv;
    private final Param weight;
    private final Param bias;
    private final boolean phased;

    Upsample(Conv2d conv, Param weight, Param bias, boolean phased) {
        this.conv = conv;
        this.weight = weight;
        this.bias = bias;
        this.phased = phased;
    }

    Tensor forward(Tensor x) {
        if (phased) return forwardPhased(x);
        Tensor up = Functional.interpolate(x, x.size(2) * 2, x.size(3) * 2, Interpolation.NEAREST, false);
        Tensor out = conv.forward(up);
        up.close();
        return out;
    }

    private Tensor forwardPhased(Tensor x) {
        long n = x.size(0), h = x.size(2), w = x.size(3);
        Tensor k;
        Tensor b4;
        Tensor wt = weight.use();
        Tensor bt = bias.use();
        long cout = wt.size(0);
        try {
            // The tap sums in float32, rounded once to the compute dtype.
            k = wt.dtype() == DType.F32 ? phaseKernels(wt) : phaseKernels(wt.to(DType.F32)).to(wt.dtype());
            b4 = Tensor.cat(List.of(bt, bt, bt, bt), 0);
        } finally {
            weight.done(wt);
            bias.done(bt);
        }
        boolean channelsLast = x.isChannelsLast();
        Tensor padded = Functional.pad(x, new long[]{1, 1, 1, 1}, 0.0);
        if (channelsLast && !padded.isChannelsLast()) {
            Tensor copy = padded.contiguousChannelsLast();
            padded.close();
            padded = copy;
        }
        Tensor phases = Functional.conv2d(padded, k, b4, 1, 0);
        padded.close();
        k.close();
        b4.close();
        Tensor out;
        if (channelsLast) {
            // NHWC memory seen as NCHW: the channels-last layout without a second allocation
            try (Tensor nhwc = Tensor.empty(phases.dtype(), phases.device(), n, 2 * h, 2 * w, cout)) {
                out = nhwc.permute(0, 3, 1, 2);
            }
        } else {
            out = Tensor.empty(phases.dtype(), phases.device(), n, cout, 2 * h, 2 * w);
        }
        Tensor grid = out.view(n, cout, h, 2, w, 2);
        for (int a = 0; a < 2; a++) {
            for (int c = 0; c < 2; c++) {
                try (Tensor rows = grid.select(3, a); Tensor cell = rows.select(4, c);
                        Tensor phase = phases.narrow(1, (2L * a + c) * cout, cout);
                        Tensor ph = phase.narrow(2, a, h); Tensor src = ph.narrow(3, c, w)) {
                    cell.copy_(src);
                }
            }
        }
        grid.close();
        phases.close();
        return out;
    }

    /**
     * The four 2x2 kernels [4 C_out, C_in, 2, 2] in phase order (0,0), (0,1), (1,0), (1,1): for phase
     * 0 the taps on the first input row/column are kernel row 0 and on the second rows 1+2; for phase 1,
     * rows 0+1 and row 2.
     */
    static Tensor phaseKernels(Tensor w3) {
        Tensor[] byRow = {collapse(w3, 2, 0), collapse(w3, 2, 1)};
        Tensor k00 = collapse(byRow[0], 3, 0), k01 = collapse(byRow[0], 3, 1);
        Tensor k10 = collapse(byRow[1], 3, 0), k11 = collapse(byRow[1], 3, 1);
        Tensor k = Tensor.cat(List.of(k00, k01, k10, k11), 0);
        for (Tensor t : List.of(byRow[0], byRow[1], k00, k01, k10, k11)) t.close();
        return k;
    }

    /** Along {@code dim} (size 3), phase 0 keeps [t0, t1 + t2] and phase 1 [t0 + t1, t2]. */
    private static Tensor collapse(Tensor t, int dim, int phase) {
        try (Tensor t0 = t.narrow(dim, 0, 1); Tensor t1 = t.narrow(dim, 1, 1); Tensor t2 = t.narrow(dim, 2, 1)) {
            Tensor first = phase == 0 ? t0 : t0.add(t1);
            Tensor second = phase == 0 ? t1.add(t2) : t2;
            Tensor out = Tensor.cat(List.of(first, second), dim);
            if (first != t0) first.close();
            if (second != t2) second.close();
            return out;
        }
    }
}
