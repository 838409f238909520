package dev.comfy4j.bench;

import dev.comfy4j.model.ArchitectureDetector;
import dev.comfy4j.model.ModelArchitecture;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.sd.Checkpoints;
import dev.comfy4j.model.sd.ControlNetHandle;
import dev.comfy4j.model.unet.AreaCond;
import dev.comfy4j.model.unet.CfgDenoiser;
import dev.comfy4j.model.unet.DiffusionModel;
import dev.comfy4j.model.unet.ModelSamplingDiscrete;
import dev.comfy4j.model.unet.UNetModel;
import dev.comfy4j.model.unet.WeightStorage;
import dev.comfy4j.sampling.DiscreteModelSampling;
import dev.comfy4j.sampling.control.ControlRuns;
import dev.comfy4j.sampling.control.ControlSpec;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.support.TestControlNets;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.RuntimeOptions;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;
import dev.comfy4j.tensor.TorchRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The cost of a ControlNet per sampler step: one KSampler-style denoiser call (cfg 7.5, cond and uncond in one
 * batch-2 UNet call) on the random SD1.5 checkpoint, without and with a full-size SD1.5 ControlNet built from its
 * UNet (written once, fp16, to {@code target/bench-controlnet.safetensors}), alternating, after one warm-up each.
 * Prints each call, the medians, the difference, peak RSS and the load average before and after.
 *
 * <p>Usage: ControlNetBench [image size, default 512] [calls per variant, default 2] [threads].
 */
public final class ControlNetBench {
    private ControlNetBench() {}

    record Spec(ControlNetHandle controlNet, Tensor image, double strength, double startPercent, double endPercent,
                ControlSpec previous) implements ControlSpec {}

    public static void main(String[] args) throws Exception {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        System.out.printf("load average before: %s%n", BenchProcess.loadAverage());
        TorchRuntime.State s = TorchRuntime.start(new RuntimeOptions(true, threads));
        System.out.printf("libtorch %s, %s, %d threads, %dx%d%n", TorchRuntime.version(), s.device(), s.threads(), size, size);
        Path checkpoint = TestCheckpoints.sd15Location();
        Path controlFile = Path.of("target", "bench-controlnet.safetensors");
        try (StateDict sd = ModelFiles.loadStateDict(checkpoint); ModelManager manager = ModelManager.create(0)) {
            ModelArchitecture arch = ArchitectureDetector.detect(sd);
            if (!Files.exists(controlFile)) {
                try (TensorScope ignored = TensorScope.open()) {
                    SafetensorsWriter.write(controlFile, TestControlNets.withPrefix(TestControlNets.fromUnet(sd, arch.unetPrefix(),
                            arch.unet(), TestControlNets.ZeroConvs.RANDOM, 5, DType.F16), "control_model."), java.util.Map.of());
                }
            }
            ControlNetHandle net = new Checkpoints(manager, () -> null, () -> Device.CPU).controlNet(controlFile, null);
            ModelSamplingDiscrete ms = ModelSamplingDiscrete.of(arch.prediction());
            try (DiffusionModel model = new DiffusionModel(UNetModel.load(sd, arch.unetPrefix(), arch.unet(),
                    WeightStorage.CAST_PER_CALL, Device.CPU), ms, arch.family());
                    ControlRuns runs = new ControlRuns(ms, DiscreteModelSampling.of(ms.sigmas(), ms.logSigmas()), arch.unet());
                    TorchGenerator g = TorchGenerator.cpu(42);
                    TensorScope ignored = TensorScope.open()) {
                long latent = size / 8;
                Tensor x = Tensor.randn(g, DType.F32, 1, 4, latent, latent).mul(14.6);
                Tensor cond = Tensor.randn(g, DType.F32, 1, 77, 768);
                Tensor uncond = Tensor.randn(g, DType.F32, 1, 77, 768);
                Tensor hint = Tensor.randn(g, DType.F32, 1, size, size, 3).abs().clamp(0, 1);
                Tensor sigma = Tensor.fromFloats(new float[]{14.614642f}, 1);
                var control = runs.open(new Spec(net, hint, 1.0, 0.0, 1.0, null));
                List<AreaCond> plainPos = List.of(AreaCond.whole(cond));
                List<AreaCond> plainNeg = List.of(AreaCond.whole(uncond));
                List<AreaCond> cnPos = List.of(AreaCond.whole(cond).withControl(control));
                List<AreaCond> cnNeg = List.of(AreaCond.whole(uncond).withControl(control));
                CfgDenoiser denoiser = new CfgDenoiser();
                double[] plain = new double[calls];
                double[] withCn = new double[calls];
                for (int i = 0; i <= calls; i++) {
                    for (int variant = 0; variant < 2; variant++) {
                        try (TensorScope step = TensorScope.open()) {
                            long t = System.nanoTime();
                            if (variant == 0) denoiser.denoise(model, x, sigma, plainPos, plainNeg, 7.5);
                            else denoiser.denoise(model, x, sigma, cnPos, cnNeg, 7.5);
                            double sec = (System.nanoTime() - t) / 1e9;
                            System.out.printf("%s %s: %.2f s, RSS %d MB, load %s%n", i == 0 ? "warm-up" : "timed",
                                    variant == 0 ? "plain     " : "controlnet", sec, BenchProcess.rssMb(),
                                    BenchProcess.oneMinuteLoad());
                            if (i > 0) (variant == 0 ? plain : withCn)[i - 1] = sec;
                        }
                    }
                }
                Arrays.sort(plain);
                Arrays.sort(withCn);
                double p = plain[calls / 2];
                double c = withCn[calls / 2];
                System.out.printf("step %dx%d, cfg batch 2: plain median %.2f s, with ControlNet %.2f s: +%.2f s (+%.0f%%)%n",
                        size, size, p, c, c - p, 100 * (c - p) / p);
            }
        }
        System.out.printf("peak RSS (VmHWM) %d MB%n", BenchProcess.peakRssMb());
        System.out.printf("load average after: %s%n", BenchProcess.loadAverage());
    }
}
