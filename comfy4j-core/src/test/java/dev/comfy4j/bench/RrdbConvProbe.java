package dev.comfy4j.bench;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;
import dev.comfy4j.tensor.TorchRuntime;

/**
 * The 3x3 convolutions of an ESRGAN dense block (64, 128 and 192 input channels at growth 32) on a
 * SIDE x SIDE map, NCHW against channels-last input and weights, interleaved so that a loaded machine
 * slows both alike. Prints GMAC/s (multiply-adds per second). Usage: RrdbConvProbe [SIDE [ROUNDS]].
 */
public final class RrdbConvProbe {
    private RrdbConvProbe() {}

    public static void main(String[] args) {
        int side = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        TorchRuntime.ensureStarted();
        try (TensorScope ignored = TensorScope.open(); TorchGenerator g = TorchGenerator.cpu(1)) {
            for (int in : new int[] {64, 128, 192}) {
                int out = in == 192 ? 64 : 32;
                Tensor x = Tensor.randn(g, DType.F32, 1, in, side, side);
                Tensor w = Tensor.randn(g, DType.F32, out, in, 3, 3);
                Tensor b = Tensor.randn(g, DType.F32, out);
                Tensor xcl = x.contiguousChannelsLast(), wcl = w.contiguousChannelsLast();
                double gmac = (double) in * out * 9 * side * side * 5 / 1e9;
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < 5; i++) Functional.conv2d(x, w, b, 1, 1).close();
                    long t1 = System.nanoTime();
                    for (int i = 0; i < 5; i++) Functional.conv2d(xcl, wcl, b, 1, 1).close();
                    long t2 = System.nanoTime();
                    System.out.printf("%d -> %d channels, %dx%d: NCHW %.1f GMAC/s, channels-last %.1f GMAC/s%n", in, out, side, side,
                            gmac / ((t1 - t0) / 1e9), gmac / ((t2 - t1) / 1e9));
                }
            }
        }
    }
}
