package dev.comfy4j.bench;

import dev.comfy4j.model.ArchitectureDetector;
import dev.comfy4j.model.ModelArchitecture;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.unet.AttentionHeads;
import dev.comfy4j.model.unet.CfgDenoiser;
import dev.comfy4j.model.unet.DiffusionModel;
import dev.comfy4j.model.unet.ModelSamplingDiscrete;
import dev.comfy4j.model.unet.UNetModel;
import dev.comfy4j.model.unet.WeightStorage;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.RuntimeOptions;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;
import dev.comfy4j.tensor.TorchRuntime;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One SD1.5 denoiser call at 512x512 (a 64x64 latent) with cfg 7.5, cond and uncond batched into one
 * UNet call of batch 2, as a KSampler step runs it. Prints each call's time, the median, the peak RSS
 * (VmHWM) and the load average before and after.
 *
 * <p>Usage: UnetBench [storage COPY|CAST_PER_CALL] [threads] [calls] [checkpoint]; the checkpoint
 * defaults to the random SD1.5 file of the numeric goldens; {@code -Dcompute=BF16} computes in bfloat16;
 * {@code -Dlatent=8} sets the latent's side (64 by default: 512x512 pixels).
 */
public final class UnetBench {
    private UnetBench() {}

    public static void main(String[] args) throws Exception {
        WeightStorage storage = args.length > 0 ? WeightStorage.valueOf(args[0]) : WeightStorage.COPY;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path checkpoint = args.length > 3 ? Path.of(args[3]) : TestCheckpoints.sd15Location();
        DType compute = DType.valueOf(System.getProperty("compute", "F32"));
        int latent = Integer.getInteger("latent", 64);
        System.out.printf("load average before: %s%n", BenchProcess.loadAverage());
        TorchRuntime.State s = TorchRuntime.start(new RuntimeOptions(true, threads));
        System.out.printf("libtorch %s, %s, %d threads, storage %s, compute %s, OPENBLAS_CORETYPE=%s%n", TorchRuntime.version(), s.device(),
                s.threads(), storage, compute, System.getenv("OPENBLAS_CORETYPE"));

        long t0 = System.nanoTime();
        try (StateDict sd = ModelFiles.loadStateDict(checkpoint)) {
            ModelArchitecture arch = ArchitectureDetector.detect(sd);
            try (DiffusionModel model = new DiffusionModel(
                    UNetModel.load(sd, arch.unetPrefix(), arch.unet(), AttentionHeads.forConfig(arch.unet()), storage, compute, Device.CPU), ModelSamplingDiscrete.of(arch.prediction()), arch.family());
                    TorchGenerator g = TorchGenerator.cpu(42);
                    TensorScope ignored = TensorScope.open()) {
                System.out.printf("UNet ready in %.2f s (%d MB of weight copies), RSS %d MB%n", (System.nanoTime() - t0) / 1e9,
                        model.byteSize() >> 20, BenchProcess.rssMb());
                Tensor x = Tensor.randn(g, DType.F32, 1, 4, latent, latent).mul(14.6);
                Tensor cond = Tensor.randn(g, DType.F32, 1, 77, 768);
                Tensor uncond = Tensor.randn(g, DType.F32, 1, 77, 768);
                Tensor sigma = Tensor.fromFloats(new float[]{14.614642f}, 1);
                CfgDenoiser denoiser = new CfgDenoiser();
                double[] seconds = new double[calls];
                for (int i = 0; i <= calls; i++) {
                    try (TensorScope step = TensorScope.open()) {
                        long t = System.nanoTime();
                        long cpu = BenchProcess.processCpuNanos();
                        denoiser.denoise(model, x, sigma, cond, uncond, 7.5);
                        double sec = (System.nanoTime() - t) / 1e9;
                        System.out.printf("%s call: %.2f s (process CPU %.2f s), RSS %d MB, load %s%n", i == 0 ? "warm-up" : "timed", sec,
                                (BenchProcess.processCpuNanos() - cpu) / 1e9, BenchProcess.rssMb(), BenchProcess.oneMinuteLoad());
                        if (i > 0) seconds[i - 1] = sec;
                    }
                }
                Arrays.sort(seconds);
                System.out.printf("denoiser call %dx%d latent, cfg batch 2: median %.3f s, best %.3f s over %d calls%n",
                        latent, latent, seconds[calls / 2], seconds[0], calls);
            }
        }
        System.out.printf("peak RSS (VmHWM) %d MB%n", BenchProcess.peakRssMb());
        System.out.printf("load average after: %s%n", BenchProcess.loadAverage());
    }
}
