package dev.comfy4j.bench;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.RuntimeOptions;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;
import dev.comfy4j.tensor.TorchRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Self-attention of the SD1.5 UNet's first level in one CFG call (q, k, v [2, 8, 4096, 40]) computed
 * several ways, interleaved round by round so that the machine's load hits every variant alike.
 * Usage: AttentionProbe [threads] [rounds]
 */
public final class AttentionProbe {
    private AttentionProbe() {}

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        TorchRuntime.start(new RuntimeOptions(false, threads));
        try (TensorScope ignored = TensorScope.open(); TorchGenerator g = TorchGenerator.cpu(0)) {
            Tensor q = Tensor.randn(g, DType.F32, 16, 4096, 40);
            Tensor k = Tensor.randn(g, DType.F32, 16, 4096, 40);
            Tensor v = Tensor.randn(g, DType.F32, 16, 4096, 40);
            Map<String, Supplier<Tensor>> variants = new LinkedHashMap<>();
            variants.put("sdpa (flash)", () -> Functional.scaledDotProductAttention(q.view(2, 8, 4096, 40), k.view(2, 8, 4096, 40),
                    v.view(2, 8, 4096, 40), null));
            for (long chunk : new long[]{4096, 1024, 256}) {
                variants.put("bmm/softmax_/bmm, all heads, q chunk " + chunk, () -> chunked(q, k, v, 16, chunk));
            }
            for (long chunk : new long[]{4096, 1024, 256}) {
                variants.put("bmm/softmax_/bmm, 1 head at a time, q chunk " + chunk, () -> chunked(q, k, v, 1, chunk));
            }
            variants.put("bmm/softmax_/bmm, 2 heads, q chunk 1024", () -> chunked(q, k, v, 2, 1024));
            Tensor ref = Functional.scaledDotProductAttention(q, k, v, null);
            Map<String, List<Double>> ms = new LinkedHashMap<>();
            for (int r = -1; r < rounds; r++) {
                for (var e : variants.entrySet()) {
                    try (TensorScope s = TensorScope.open()) {
                        long t = System.nanoTime();
                        Tensor out = e.getValue().get();
                        double took = (System.nanoTime() - t) / 1e6;
                        if (r < 0) {
                            Tensor diff = out.reshape(16, 4096, 40).sub(ref);
                            double err = Math.sqrt(diff.mul(diff).sum().item() / ref.mul(ref).sum().item());
                            System.out.printf("%-50s rel L2 vs sdpa %.2e%n", e.getKey(), err);
                        } else {
                            ms.computeIfAbsent(e.getKey(), x -> new ArrayList<>()).add(took);
                        }
                    }
                }
            }
            double flops = 2.0 * 2 * 16 * 4096.0 * 4096 * 40;
            for (var e : ms.entrySet()) {
                List<Double> l = new ArrayList<>(e.getValue());
                l.sort(null);
                System.out.printf("%-50s median %7.1f ms  min %7.1f ms  (%3.0f GFLOP/s at min)%n", e.getKey(), l.get(l.size() / 2), l.get(0),
                        flops / l.get(0) / 1e6);
            }
        }
    }

    /** q, k, v [BH, N, D]: heads in groups of {@code headGroup}, query rows in chunks. */
    static Tensor chunked(Tensor q, Tensor k, Tensor v, long headGroup, long chunk) {
        long bh = q.size(0);
        long n = q.size(1);
        long m = k.size(1);
        long d = q.size(2);
        Tensor out = Tensor.empty(DType.F32, q.device(), bh, n, d);
        try (TensorScope scope = TensorScope.open()) {
            Tensor qs = q.mul(1 / Math.sqrt(d));
            Tensor kt = k.transpose(1, 2);
            Tensor sim = Tensor.empty(DType.F32, q.device(), headGroup, Math.min(chunk, n), m);
            for (long h = 0; h < bh; h += headGroup) {
                long hg = Math.min(headGroup, bh - h);
                for (long i = 0; i < n; i += chunk) {
                    long c = Math.min(chunk, n - i);
                    try (TensorScope inner = TensorScope.open()) {
                        Tensor s = sim.narrow(0, 0, hg).narrow(1, 0, c);
                        Functional.bmmInto(s, qs.narrow(0, h, hg).narrow(1, i, c), kt.narrow(0, h, hg));
                        Functional.softmax_(s, -1);
                        Functional.bmmInto(out.narrow(0, h, hg).narrow(1, i, c), s, v.narrow(0, h, hg));
                    }
                }
            }
        }
        return out;
    }
}
