package dev.comfy4j.bench;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Interpolation;
import dev.comfy4j.tensor.RuntimeOptions;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;
import dev.comfy4j.tensor.TorchRuntime;
import java.util.function.Supplier;

/**
 * CPU seconds and page faults of single VAE ops (3x3 conv NCHW vs channels-last, group norm, SiLU,
 * nearest upsample, clone) at one width and size: process CPU time says how much work an op took on a
 * loaded machine. Usage: VaeOpProbe CHANNELS SIZE THREADS
 */
public final class VaeOpProbe {
    public static void main(String[] args) {
        TorchRuntime.start(new RuntimeOptions(false, Integer.parseInt(args[2])));
        try (TensorScope ignored = TensorScope.open(); TorchGenerator g = TorchGenerator.cpu(0)) {
            int c = Integer.parseInt(args[0]), hw = Integer.parseInt(args[1]);
            Tensor x = Tensor.randn(g, DType.F32, 1, c, hw, hw);
            Tensor xcl = x.contiguousChannelsLast();
            Tensor w = Tensor.randn(g, DType.F32, c, c, 3, 3).mul(0.02);
            Tensor wcl = w.contiguousChannelsLast();
            Tensor b = Tensor.zeros(DType.F32, c);
            Tensor gw = Tensor.ones(DType.F32, c);
            double gf = 2.0 * c * c * 9 * hw * hw / 1e9;
            time("conv NCHW", gf, () -> Functional.conv2d(x, w, b, 1, 1));
            time("conv CL", gf, () -> Functional.conv2d(xcl, w, b, 1, 1));
            time("conv CL wCL", gf, () -> Functional.conv2d(xcl, wcl, b, 1, 1));
            time("groupnorm NCHW", 0, () -> Functional.groupNorm(x, 32, gw, b, 1e-6));
            time("groupnorm CL", 0, () -> Functional.groupNorm(xcl, 32, gw, b, 1e-6));
            time("silu_ NCHW", 0, () -> x.clone().silu_());
            Tensor y = x.clone();
            time("silu_ inplace", 0, () -> { y.silu_(); return y.mul(1.0); });
            time("clone", 0, () -> x.clone());
            time("up NCHW", 0, () -> Functional.interpolate(x, hw * 2, hw * 2, Interpolation.NEAREST, false));
            time("up CL", 0, () -> Functional.interpolate(xcl, hw * 2, hw * 2, Interpolation.NEAREST, false));
            Tensor w16 = w.to(DType.F16);
            time("cast w f16->f32", 0, () -> w16.to(DType.F32));
        }
    }

    static void time(String name, double gflop, Supplier<Tensor> op) {
        for (int i = 0; i < 2; i++) try (TensorScope s = TensorScope.open()) { op.get(); }
        int n = 4;
        long cpu0 = BenchProcess.processCpuNanos(), t0 = System.nanoTime(), f0 = faults();
        for (int i = 0; i < n; i++) try (TensorScope s = TensorScope.open()) { op.get(); }
        double cpu = (BenchProcess.processCpuNanos() - cpu0) / 1e9 / n, wall = (System.nanoTime() - t0) / 1e9 / n;
        System.out.printf("%-20s faults %d cpu %.3f s  wall %.3f s %s%n", name, (faults() - f0) / n, cpu, wall, gflop > 0 ? String.format("%.0f GFLOP/cpu-s", gflop / cpu) : "");
    }

    static long faults() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[7]);
        } catch (java.io.IOException e) { throw new RuntimeException(e); }
    }
}
