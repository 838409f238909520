package dev.comfy4j.bench;

import dev.comfy4j.embed.EmbeddedComfy;
import dev.comfy4j.model.ComputePrecision;
import dev.comfy4j.nodes.model.ModelFolder;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.tensor.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * ComfyUI's default text-to-image workflow (CheckpointLoaderSimple, two CLIPTextEncode, EmptyLatentImage,
 * KSampler euler/normal cfg 8, VAEDecode, SaveImage) on the random SD1.5 checkpoint through the embedded
 * engine: the first run (checkpoint load, both prompts encoded, sampling, decode, PNG) and then warm runs,
 * each with a new seed so KSampler, VAEDecode and SaveImage run again while the loaded models and the
 * encoded prompts are reused, as when a ComfyUI user presses Queue again. Prints each run's time and the
 * peak RSS (VmHWM).
 *
 * <p>Usage: WorkflowBench [side 512] [steps 20] [warm runs 2] [UNet dtype F32|BF16] [VAE dtype F32|BF16] [sd15|sdxl];
 * {@code sdxl} runs the same workflow on the random SDXL checkpoint.
 */
public final class WorkflowBench {
    private WorkflowBench() {}

    public static void main(String[] args) throws Exception {
        int side = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int warmRuns = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        DType unet = args.length > 3 ? DType.valueOf(args[3]) : DType.F32;
        DType vae = args.length > 4 ? DType.valueOf(args[4]) : DType.F32;
        boolean sdxl = args.length > 5 && args[5].equals("sdxl");
        System.out.printf("load average before: %s%n", BenchProcess.loadAverage());
        System.out.printf("default workflow (%s) %dx%d, %d steps, UNet %s, VAE %s, OPENBLAS_CORETYPE=%s%n", sdxl ? "SDXL" : "SD1.5",
                side, side, steps, unet, vae, System.getenv("OPENBLAS_CORETYPE"));
        Path base = Files.createTempDirectory("comfy4j-workflow-bench");
        if (sdxl) ModelFolder.layOutSdxl(base); else ModelFolder.layOut(base);
        String checkpoint = sdxl ? TestCheckpoints.SDXL_NAME : TestCheckpoints.SD15_NAME;
        double[] warm = new double[warmRuns];
        try (EmbeddedComfy comfy = EmbeddedComfy.builder(base).precision(new ComputePrecision(unet, vae)).build()) {
            for (int run = 0; run <= warmRuns; run++) {
                long t0 = System.nanoTime();
                long cpu = BenchProcess.processCpuNanos();
                comfy.run(workflow(checkpoint, side, steps, 1000 + run));
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf("%s run: %.2f s (process CPU %.2f s), RSS %d MB, load %s%n", run == 0 ? "first" : "warm", seconds,
                        (BenchProcess.processCpuNanos() - cpu) / 1e9, BenchProcess.rssMb(), BenchProcess.oneMinuteLoad());
                if (run > 0) warm[run - 1] = seconds;
            }
        }
        if (warmRuns > 0) {
            double[] sorted = warm.clone();
            Arrays.sort(sorted);
            System.out.printf("warm runs: median %.2f s, best %.2f s over %d%n", sorted[sorted.length / 2], sorted[0], warmRuns);
        }
        System.out.printf("peak RSS (VmHWM) %d MB%n", BenchProcess.peakRssMb());
        System.out.printf("load average after: %s%n", BenchProcess.loadAverage());
    }

    /** ComfyUI's default workflow in API format on {@code checkpoint} at {@code side} x {@code side} with {@code steps} and {@code seed}. */
    static String workflow(String checkpoint, int side, int steps, long seed) {
        return """
                {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "%s"}},
                 "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "beautiful scenery nature glass bottle landscape, , purple galaxy bottle,", "clip": ["4", 1]}},
                 "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "text, watermark", "clip": ["4", 1]}},
                 "5": {"class_type": "EmptyLatentImage", "inputs": {"width": %d, "height": %d, "batch_size": 1}},
                 "3": {"class_type": "KSampler", "inputs": {"seed": %d, "steps": %d, "cfg": 8, "sampler_name": "euler", "scheduler": "normal",
                       "denoise": 1, "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}},
                 "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
                 "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}}}
                """.formatted(checkpoint, side, side, seed, steps);
    }
}
