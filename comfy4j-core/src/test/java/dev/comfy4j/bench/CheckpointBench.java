package dev.comfy4j.bench;

import dev.comfy4j.model.ArchitectureDetector;
import dev.comfy4j.model.ModelArchitecture;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.SdLayouts;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.TinyCheckpoints;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Opens a full-size SD1.5 checkpoint and reports: time to get all 1131 tensors (zero copy), time to
 * read every byte once (pages faulted in), and RSS / peak RSS. Usage: CheckpointBench FILE.safetensors;
 * a missing FILE is first written with random fp16 weights (same keys and shapes as
 * shared/tools/make_random_sd15.py; Java random numbers).
 */
public final class CheckpointBench {
    private CheckpointBench() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "random_sd15.safetensors");
        TorchRuntime.ensureStarted();
        if (!Files.exists(file)) {
            long t = System.nanoTime();
            TinyCheckpoints.writeSd15(file, SdLayouts.Sizes.SD15, DType.F16, 1234);
            System.out.printf("wrote %s in %.1f s%n", file, (System.nanoTime() - t) / 1e9);
        }
        System.out.printf("file %s, %.2f GB; RSS before %d MB%n", file.getFileName(), Files.size(file) / 1e9, BenchProcess.rssMb());
        long t0 = System.nanoTime();
        try (StateDict sd = ModelFiles.loadStateDict(file)) {
            long t1 = System.nanoTime();
            ModelArchitecture arch = ArchitectureDetector.detect(sd);
            long t2 = System.nanoTime();
            System.out.printf("open + all %d tensors: %.1f ms; detect %s/%s standard=%s: %.1f ms; RSS %d MB%n", sd.size(),
                    (t1 - t0) / 1e6, arch.family(), arch.prediction(), arch.standardSize(), (t2 - t1) / 1e6, BenchProcess.rssMb());
            double sum = 0;
            long t3 = System.nanoTime();
            for (Map.Entry<String, Tensor> e : sd.tensors().entrySet()) {
                try (TensorScope ignored = TensorScope.open()) {
                    sum += e.getValue().to(DType.F32).sum().item();
                }
            }
            long t4 = System.nanoTime();
            System.out.printf("read every weight once (to f32 + sum, %.3g): %.2f s; RSS %d MB%n", sum, (t4 - t3) / 1e9, BenchProcess.rssMb());
        }
        System.out.printf("after close: RSS %d MB; peak RSS (VmHWM) %d MB%n", BenchProcess.rssMb(), BenchProcess.peakRssMb());
    }
}
