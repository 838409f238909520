package dev.comfy4j.bench;

import dev.comfy4j.model.upscale.TiledUpscale;
import dev.comfy4j.model.upscale.TinyUpscaleModels;
import dev.comfy4j.model.upscale.UpscaleModel;
import dev.comfy4j.model.upscale.UpscaleModels;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.MemoryStats;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;
import dev.comfy4j.tensor.TorchRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ESRGAN x4 (RRDBNet, 23 blocks, 64 features, growth 32: the size of RealESRGAN_x4plus and the classic
 * 4x ESRGAN models) with random weights, written by the bench as a float32 safetensors file, upscaling a
 * square image through {@link TiledUpscale} exactly as ImageUpscaleWithModel runs it (tile 512, overlap
 * 32). Prints the load time, each run's time, the peak RSS during the runs (sampled every 20 ms) and the
 * RSS after each run (after a collection and a native heap trim), so that growth across runs shows.
 *
 * <p>Usage: UpscaleBench [SIDE [RUNS [BLOCKS]]]; defaults 512, 2, 23. The model runs on libtorch's compute
 * device (the CPU unless a CUDA build finds a GPU).
 */
public final class UpscaleBench {
    private UpscaleBench() {}

    public static void main(String[] args) throws Exception {
        int side = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int blocks = args.length > 2 ? Integer.parseInt(args[2]) : 23;
        TorchRuntime.ensureStarted();
        Device device = TorchRuntime.computeDevice();
        Path file = Files.createTempFile("esrgan-x4-bench", ".safetensors");
        try {
            var weights = TinyUpscaleModels.Rrdb.random(1, 3, 3, 64, 32, blocks, 2, false);
            TinyUpscaleModels.safetensors(file, weights.newLayout(), false);
            System.out.printf("model file: %d MB; device %s%n", Files.size(file) >> 20, device);
            long rssStart = BenchProcess.rssMb();
            long t0 = System.nanoTime();
            try (UpscaleModel model = UpscaleModels.load(file, device)) {
                System.out.printf("load: %.2f s (%s), RSS +%d MB%n", (System.nanoTime() - t0) / 1e9, model.description(),
                        BenchProcess.rssMb() - rssStart);
                Tensor image;
                try (TorchGenerator g = TorchGenerator.cpu(7); Tensor noise = Tensor.randn(g, DType.F32, 1, side, side, 3)) {
                    image = noise.sigmoid().escapeScope();
                }
                long base = BenchProcess.rssMb();
                for (int i = 0; i < runs; i++) {
                    AtomicLong peak = new AtomicLong(BenchProcess.rssMb());
                    Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                        while (!Thread.currentThread().isInterrupted()) {
                            peak.accumulateAndGet(BenchProcess.rssMb(), Math::max);
                            try {
                                Thread.sleep(20);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    });
                    long s = System.nanoTime();
                    try (TensorScope ignored = TensorScope.open()) {
                        Tensor out = TiledUpscale.run(model, image, (done, total) -> {});
                        if (out.size(1) != 4L * side) throw new IllegalStateException("wrong output size");
                    }
                    double seconds = (System.nanoTime() - s) / 1e9;
                    sampler.interrupt();
                    sampler.join();
                    System.gc(); // the Java heap's growth is not the native memory this measures
                    MemoryStats.trimNativeHeap();
                    System.out.printf("run %d: %dx%d -> %dx%d in %.2f s (%.1f kpixel/s in); peak RSS %d MB (+%d MB over the"
                                    + " loaded model); RSS after the run +%d MB%n", i, side, side, 4 * side, 4 * side, seconds,
                            side * (double) side / seconds / 1e3, peak.get(), peak.get() - base,
                            BenchProcess.rssMb() - base);
                }
                image.close();
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
