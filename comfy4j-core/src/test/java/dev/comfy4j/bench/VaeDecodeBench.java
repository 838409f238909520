package dev.comfy4j.bench;

import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.vae.AutoencoderKL;
import dev.comfy4j.model.vae.Vae;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.MemoryStats;
import dev.comfy4j.tensor.RuntimeOptions;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;
import dev.comfy4j.tensor.TorchRuntime;
import java.nio.file.Path;

/**
 * VAE decode (and encode) at 512x512 on the random SD1.5 checkpoint: wall time per call, RSS and peak
 * RSS (VmHWM). Usage: VaeDecodeBench CHECKPOINT [runs] [threads] [channelsLast] [residentWeights] [encode] [fusedUpsample]
 */
public final class VaeDecodeBench {
    private VaeDecodeBench() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        boolean channelsLast = args.length <= 3 || Boolean.parseBoolean(args[3]);
        boolean resident = args.length > 4 && Boolean.parseBoolean(args[4]);
        boolean encode = args.length > 5 && Boolean.parseBoolean(args[5]);
        boolean fused = args.length <= 6 || Boolean.parseBoolean(args[6]);
        TorchRuntime.State s = TorchRuntime.start(new RuntimeOptions(false, threads));
        System.out.printf("threads %d, channelsLast %s, fusedUpsample %s, residentWeights %s; RSS at start %d MB%n", s.threads(), channelsLast, fused,
                resident, BenchProcess.rssMb());
        try (StateDict sd = ModelFiles.loadStateDict(file);
                Vae vae = new Vae(AutoencoderKL.fromStateDict(sd, AutoencoderKL.CHECKPOINT_PREFIX,
                        new AutoencoderKL.Options(resident, channelsLast, fused, DType.valueOf(System.getProperty("compute", "F32")))));
                TorchGenerator g = TorchGenerator.cpu(42)) {
            System.out.printf("VAE ready; RSS %d MB%n", BenchProcess.rssMb());
            for (int i = 0; i < runs; i++) {
                try (TensorScope ignored = TensorScope.open()) {
                    Tensor input = encode ? Tensor.randn(g, DType.F32, 1, 512, 512, 3).clamp(0, 1) : Tensor.randn(g, DType.F32, 1, 4, 64, 64);
                    long c0 = BenchProcess.processCpuNanos(), t0 = System.nanoTime();
                    Tensor out = encode ? vae.encode(input) : vae.decode(input);
                    long t1 = System.nanoTime(), c1 = BenchProcess.processCpuNanos();
                    System.out.printf("%s %d: %.2f s wall, %.2f s CPU (all threads) -> %s; RSS %d MB, peak %d MB%n",
                            encode ? "encode" : "decode", i, (t1 - t0) / 1e9, (c1 - c0) / 1e9, java.util.Arrays.toString(out.shape()), BenchProcess.rssMb(), BenchProcess.peakRssMb());
                }
            }
        }
        MemoryStats.trimNativeHeap();
        System.out.printf("after close: RSS %d MB; peak RSS (VmHWM) %d MB%n", BenchProcess.rssMb(), BenchProcess.peakRssMb());
    }
}
