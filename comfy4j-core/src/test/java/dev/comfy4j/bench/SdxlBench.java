package dev.comfy4j.bench;

import dev.comfy4j.model.ArchitectureDetector;
import dev.comfy4j.model.ModelArchitecture;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.unet.AreaCond;
import dev.comfy4j.model.unet.CfgDenoiser;
import dev.comfy4j.model.unet.AttentionHeads;
import dev.comfy4j.model.unet.DiffusionModel;
import dev.comfy4j.model.unet.ModelSamplingDiscrete;
import dev.comfy4j.model.unet.SdxlAdm;
import dev.comfy4j.model.unet.UNetModel;
import dev.comfy4j.model.unet.WeightStorage;
import dev.comfy4j.model.vae.AutoencoderKL;
import dev.comfy4j.model.vae.Vae;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.RuntimeOptions;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;
import dev.comfy4j.tensor.TorchRuntime;
import java.util.Arrays;
import java.util.List;

/**
 * SDXL on the random SDXL checkpoint as the sampler runs it: the checkpoint load (map, detect, build the UNet
 * over the memory-mapped fp16 weights and the VAE), one guided denoiser call per latent size with cfg 7 (cond and
 * uncond in one UNet call of batch 2, each with its y row), optionally a VAEDecode, and the peak RSS. Prints the
 * load average before and after, since the machine is shared.
 *
 * <p>Usage: SdxlBench [latent sides, comma-separated, default 32 (256x256)] [calls per size, default 2]
 * [decode side in latent units, default 0 = none] [threads, default libtorch's]. The 1024x1024 case is
 * {@code SdxlBench 128 1 128}.
 */
public final class SdxlBench {
    private SdxlBench() {}

    public static void main(String[] args) throws Exception {
        List<Integer> sides = Arrays.stream((args.length > 0 ? args[0] : "32").split(",")).map(Integer::parseInt).toList();
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int decodeSide = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        System.out.printf("load average before: %s%n", BenchProcess.loadAverage());
        TorchRuntime.State s = TorchRuntime.start(new RuntimeOptions(true, threads));
        DType compute = DType.valueOf(System.getProperty("compute", "F32"));
        DType vaeCompute = DType.valueOf(System.getProperty("vae", "F32"));
        // As ModelHandle chooses: float32 widens the mapped fp16 weights per call, bfloat16 keeps a copy made at load.
        WeightStorage storage = compute == DType.F32 ? WeightStorage.CAST_PER_CALL : WeightStorage.COPY;
        System.out.printf("libtorch %s, %s, %d threads, UNet weights %s, compute %s%n", TorchRuntime.version(), s.device(), s.threads(),
                storage, compute);

        long t0 = System.nanoTime();
        try (StateDict sd = ModelFiles.loadStateDict(TestCheckpoints.sdxlLocation())) {
            ModelArchitecture arch = ArchitectureDetector.detect(sd);
            try (DiffusionModel model = new DiffusionModel(
                    UNetModel.load(sd, arch.unetPrefix(), arch.unet(), AttentionHeads.forConfig(arch.unet()), storage,
                            compute, Device.CPU),
                    ModelSamplingDiscrete.of(arch.prediction()), arch.family());
                    Vae vae = new Vae(AutoencoderKL.fromStateDict(sd, arch.vaePrefix(), AutoencoderKL.Options.computingIn(vaeCompute)));
                    TorchGenerator g = TorchGenerator.cpu(42);
                    TensorScope ignored = TensorScope.open()) {
                System.out.printf("checkpoint loaded (map, detect %s, UNet and VAE built) in %.2f s, RSS %d MB%n",
                        arch.family().comfyName(), (System.nanoTime() - t0) / 1e9, BenchProcess.rssMb());
                CfgDenoiser denoiser = new CfgDenoiser();
                for (int side : sides) {
                    Tensor x = Tensor.randn(g, DType.F32, 1, 4, side, side).mul(14.6);
                    SdxlAdm.Sizes sizes = SdxlAdm.Sizes.of(side * 8, side * 8);
                    AreaCond cond = AreaCond.whole(Tensor.randn(g, DType.F32, 1, 77, 2048))
                            .withY(SdxlAdm.encode(Tensor.randn(g, DType.F32, 1, 1280), sizes));
                    AreaCond uncond = AreaCond.whole(Tensor.randn(g, DType.F32, 1, 77, 2048))
                            .withY(SdxlAdm.encode(Tensor.randn(g, DType.F32, 1, 1280), sizes));
                    Tensor sigma = Tensor.fromFloats(new float[] {14.614642f}, 1);
                    double[] seconds = new double[calls];
                    for (int i = 0; i < calls; i++) {
                        try (TensorScope step = TensorScope.open()) {
                            long t = System.nanoTime();
                            long cpu = BenchProcess.processCpuNanos();
                            denoiser.denoise(model, x, sigma, List.of(cond), List.of(uncond), 7.0);
                            seconds[i] = (System.nanoTime() - t) / 1e9;
                            System.out.printf("%dx%d, cfg 7 (batch 2): %.2f s (process CPU %.2f s), RSS %d MB, load %s%n",
                                    side * 8, side * 8, seconds[i], (BenchProcess.processCpuNanos() - cpu) / 1e9,
                                    BenchProcess.rssMb(), BenchProcess.oneMinuteLoad());
                        }
                    }
                    Arrays.sort(seconds);
                    System.out.printf("UNet call %dx%d cfg batch 2: best %.2f s, median %.2f s over %d calls (the first includes"
                            + " paging the weights in)%n", side * 8, side * 8, seconds[0], seconds[calls / 2], calls);
                }
                if (decodeSide > 0) {
                    try (TensorScope step = TensorScope.open()) {
                        Tensor latent = Tensor.randn(g, DType.F32, 1, 4, decodeSide, decodeSide);
                        long t = System.nanoTime();
                        vae.decode(latent);
                        System.out.printf("VAEDecode %dx%d: %.2f s, RSS %d MB%n", decodeSide * 8, decodeSide * 8,
                                (System.nanoTime() - t) / 1e9, BenchProcess.rssMb());
                    }
                }
            }
        }
        System.out.printf("peak RSS (VmHWM) %d MB%n", BenchProcess.peakRssMb());
        System.out.printf("load average after: %s%n", BenchProcess.loadAverage());
    }
}
