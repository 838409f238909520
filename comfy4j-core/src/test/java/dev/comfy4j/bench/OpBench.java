package dev.comfy4j.bench;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.RuntimeOptions;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;
import dev.comfy4j.tensor.TorchRuntime;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * GFLOP/s of the SD1.5 hot ops through the Tensor facade, at the shapes of spec/compute-backend.md
 * section 2, next to the numbers measured there (bytedeco 2.10.0, JDK 25, 2 threads).
 * Usage: OpBench [threads]
 */
public final class OpBench {
    private OpBench() {}

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        long t0 = System.nanoTime();
        TorchRuntime.State s = TorchRuntime.start(new RuntimeOptions(false, threads));
        System.out.printf("runtime start %d ms (%s, %d threads)%n", (System.nanoTime() - t0) / 1_000_000, s.device(), s.threads());
        try (TensorScope ignored = TensorScope.open(); TorchGenerator g = TorchGenerator.cpu(0)) {
            Tensor x = Tensor.randn(g, DType.F32, 1, 320, 64, 64);
            Tensor w = Tensor.randn(g, DType.F32, 320, 320, 3, 3);
            Tensor b = Tensor.zeros(DType.F32, 320);
            report("conv2d 320->320 3x3 [1,320,64,64]", 2.0 * 320 * 320 * 9 * 64 * 64, 21.8, 10,
                    () -> Functional.conv2d(x, w, b, 1, 1));
            Tensor xl = Tensor.randn(g, DType.F32, 1, 4096, 320);
            Tensor wl = Tensor.randn(g, DType.F32, 1280, 320);
            Tensor bl = Tensor.zeros(DType.F32, 1280);
            report("linear [1,4096,320] x [1280,320]^T + b", 2.0 * 4096 * 320 * 1280, 20.1, 10,
                    () -> Functional.linear(xl, wl, bl));
            Tensor q = Tensor.randn(g, DType.F32, 1, 8, 4096, 40);
            report("scaled_dot_product_attention [1,8,4096,40]", 2.0 * 2 * 8 * 4096.0 * 4096 * 40, 356, 5,
                    () -> Functional.scaledDotProductAttention(q, q, q, null));
            Tensor gw = Tensor.ones(DType.F32, 320);
            report("group_norm 32 groups [1,320,64,64]", 0, 0.29, 20,
                    () -> Functional.groupNorm(x, 32, gw, b, 1e-5));
        }
    }

    private static void report(String name, double flops, double spikeMs, int runs, Supplier<Tensor> op) {
        for (int i = 0; i < 3; i++) time(op);
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) ms[i] = time(op);
        Arrays.sort(ms);
        double median = ms[runs / 2];
        String rate = flops > 0 ? String.format("%6.0f GFLOP/s (spike: %.0f)", flops / median / 1e6, flops / spikeMs / 1e6) : "";
        System.out.printf("%-46s median %8.2f ms  [min %.2f]  spike %.2f ms  %s%n", name, median, ms[0], spikeMs, rate);
    }

    private static double time(Supplier<Tensor> op) {
        try (TensorScope ignored = TensorScope.open()) {
            long t = System.nanoTime();
            op.get();
            return (System.nanoTime() - t) / 1e6;
        }
    }
}
