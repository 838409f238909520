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
 * The SD1.5 UNet's hot ops at the shapes of one 512x512 CFG call (batch 2, 64x64 latent, level 0:
 * 320 channels, 4096 tokens, 8 heads of 40), each with the number of times one UNet call runs it, so
 * that median x count estimates where a call's time goes. Usage: UnetOpProbe [threads]
 */
public final class UnetOpProbe {
    private UnetOpProbe() {}

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        TorchRuntime.State s = TorchRuntime.start(new RuntimeOptions(false, threads));
        System.out.printf("%s, %d threads; env OPENBLAS_CORETYPE=%s OPENBLAS_NUM_THREADS=%s OMP_WAIT_POLICY=%s%n", s.device(),
                s.threads(), System.getenv("OPENBLAS_CORETYPE"), System.getenv("OPENBLAS_NUM_THREADS"), System.getenv("OMP_WAIT_POLICY"));
        try (TensorScope ignored = TensorScope.open(); TorchGenerator g = TorchGenerator.cpu(0)) {
            Tensor x = Tensor.randn(g, DType.F32, 2, 320, 64, 64);
            Tensor xcl = x.contiguousChannelsLast();
            Tensor w = Tensor.randn(g, DType.F32, 320, 320, 3, 3);
            Tensor w16 = w.to(DType.F16);
            Tensor b = Tensor.zeros(DType.F32, 320);
            report("conv2d 320->320 3x3 [2,320,64,64] NCHW", 2.0 * 2 * 320 * 320 * 9 * 64 * 64, 10, () -> Functional.conv2d(x, w, b, 1, 1));
            report("conv2d same, channels-last input", 2.0 * 2 * 320 * 320 * 9 * 64 * 64, 10, () -> Functional.conv2d(xcl, w, b, 1, 1));
            report("fp16->fp32 weight 320x320x3x3", 0, 10, () -> w16.to(DType.F32));
            Tensor t = Tensor.randn(g, DType.F32, 2, 4096, 320);
            Tensor wq = Tensor.randn(g, DType.F32, 320, 320);
            Tensor wff = Tensor.randn(g, DType.F32, 2560, 320);
            Tensor bff = Tensor.zeros(DType.F32, 2560);
            report("linear [2,4096,320]x[320,320]^T (to_q)", 2.0 * 8192 * 320 * 320, 10, () -> Functional.linear(t, wq, null));
            report("linear [2,4096,320]x[2560,320]^T+b (ff proj)", 2.0 * 8192 * 320 * 2560, 10, () -> Functional.linear(t, wff, bff));
            report("matmul [8192,320]@[320,2560]", 2.0 * 8192 * 320 * 2560, 10, () -> Functional.matmul(t.reshape(8192, 320), wff.transpose(0, 1)));
            Tensor q = Tensor.randn(g, DType.F32, 2, 4096, 320);
            Tensor qh = q.view(2, -1, 8, 40).transpose(1, 2);
            Tensor qc = qh.contiguous();
            double attnFlops = 2.0 * 2 * 2 * 8 * 4096.0 * 4096 * 40;
            report("sdpa self [2,8,4096,40] (transposed views)", attnFlops, 3, () -> Functional.scaledDotProductAttention(qh, qh, qh, null));
            report("sdpa self [2,8,4096,40] (contiguous)", attnFlops, 3, () -> Functional.scaledDotProductAttention(qc, qc, qc, null));
            Tensor q3 = qc.reshape(16, 4096, 40);
            report("baddbmm+softmax+bmm self [16,4096,40]", attnFlops, 3, () -> {
                Tensor sim = Functional.bmm(q3, q3.transpose(1, 2)).mul_(1 / Math.sqrt(40));
                Tensor p = Functional.softmax(sim, -1);
                sim.close();
                return Functional.bmm(p, q3);
            });
            Tensor kc = Tensor.randn(g, DType.F32, 2, 8, 77, 40);
            report("sdpa cross [2,8,4096,40]x[2,8,77,40]", 2.0 * 2 * 2 * 8 * 4096.0 * 77 * 40, 10,
                    () -> Functional.scaledDotProductAttention(qh, kc, kc, null));
            Tensor gw = Tensor.ones(DType.F32, 320);
            report("group_norm [2,320,64,64]", 0, 10, () -> Functional.groupNorm(x, 32, gw, b, 1e-5));
            report("silu [2,320,64,64]", 0, 10, () -> Functional.silu(x));
            Tensor f = Tensor.randn(g, DType.F32, 2, 4096, 1280);
            report("gelu [2,4096,1280]", 0, 10, () -> Functional.gelu(f));
            report("layer_norm [2,4096,320]", 0, 10, () -> Functional.layerNorm(t, new long[]{320}, gw, b, 1e-5));
            report("permute+contiguous [2,320,64,64]->NHWC", 0, 10, () -> x.permute(0, 2, 3, 1).contiguous());
        }
    }

    private static void report(String name, double flops, int runs, Supplier<Tensor> op) {
        for (int i = 0; i < 2; i++) time(op);
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) ms[i] = time(op);
        Arrays.sort(ms);
        double median = ms[runs / 2];
        String rate = flops > 0 ? String.format("%6.0f GFLOP/s", flops / median / 1e6) : "";
        System.out.printf("%-48s median %8.2f ms  [min %8.2f]  %s%n", name, median, ms[0], rate);
    }

    private static double time(Supplier<Tensor> op) {
        try (TensorScope ignored = TensorScope.open()) {
            long t = System.nanoTime();
            op.get();
            return (System.nanoTime() - t) / 1e6;
        }
    }
}
