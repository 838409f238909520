package dev.comfy4j.bench;

import dev.comfy4j.model.ArchitectureDetector;
import dev.comfy4j.model.ModelArchitecture;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.patch.LoraKeyMap;
import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.patch.LoraFilePatch;
import dev.comfy4j.model.patch.PatchableComponent;
import dev.comfy4j.model.patch.WeightPatches;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.MemoryStats;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TorchGenerator;
import dev.comfy4j.tensor.TorchRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Applying and removing a rank-64 LoRA on the SD1.5 UNet: a kohya-format file over every weight of
 * the transformer blocks (attention q/k/v/out, feed-forward, proj_in/proj_out, 192 weights, as
 * common style LoRAs cover), then the time to build the patched weights ({@link WeightPatches#applyTo})
 * and to drop them, and the memory the patched weights hold.
 *
 * <p>Usage: LoraBench [CHECKPOINT [RUNS]]; defaults: the test checkpoint location, 5 runs.
 */
public final class LoraBench {
    private static final String UNET = "model.diffusion_model.";
    private static final int RANK = 64;

    private LoraBench() {}

    public static void main(String[] args) throws Exception {
        Path checkpoint = args.length > 0 ? Path.of(args[0]) : TestCheckpoints.sd15Location();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        TorchRuntime.ensureStarted();
        Path lora = Files.createTempFile("lora-bench", ".safetensors");
        try (StateDict sd = ModelFiles.loadStateDict(checkpoint)) {
            ModelArchitecture arch = ArchitectureDetector.detect(sd);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            TorchGenerator generator = TorchGenerator.cpu(1);
            for (String target : sd.keys()) {
                boolean transformerWeight = target.contains(".transformer_blocks.") || target.endsWith("proj_in.weight")
                        || target.endsWith("proj_out.weight");
                if (!target.startsWith(UNET) || !transformerWeight || !target.endsWith(".weight") || sd.get(target).dim() == 1) continue;
                String name = "lora_unet_" + target.substring(UNET.length(), target.length() - ".weight".length()).replace('.', '_');
                long[] shape = sd.get(target).shape();
                long in = shape.length == 4 ? shape[1] * shape[2] * shape[3] : shape[1];
                long[] upShape = shape.length == 4 ? new long[] {shape[0], RANK, 1, 1} : new long[] {shape[0], RANK};
                long[] downShape = shape.length == 4 ? new long[] {RANK, shape[1], shape[2], shape[3]} : new long[] {RANK, in};
                tensors.put(name + ".lora_up.weight", Tensor.randn(generator, DType.F32, upShape).mul(0.01).to(DType.F16).escapeScope());
                tensors.put(name + ".lora_down.weight", Tensor.randn(generator, DType.F32, downShape).mul(0.01).to(DType.F16).escapeScope());
                tensors.put(name + ".alpha", Tensor.fromFloats(new float[] {RANK}).escapeScope());
            }
            SafetensorsWriter.write(lora, tensors, Map.of());
            tensors.values().forEach(Tensor::close);
            System.out.printf("LoRA: %d weights, rank %d, %d MB on disk%n", tensors.size() / 3, RANK, Files.size(lora) >> 20);

            WeightPatches stack = WeightPatches.NONE.with(LoraFilePatch.of(lora, 1.0));
            PatchableComponent unet = new PatchableComponent() {
                @Override public ModelManager manager() { throw new UnsupportedOperationException("LoRA patches need no manager"); }
                @Override public Path file() { return checkpoint; }
                @Override public String prefix() { return UNET; }
                @Override public WeightPatches patches() { return stack; }
                @Override public Map<String, String> loraKeys(StateDict weights) {
                    return LoraKeyMap.unet(weights.keys(), UNET, arch.unet());
                }
            };
            long rssBefore = BenchProcess.rssMb();
            for (int i = 0; i < runs; i++) {
                long s = System.nanoTime();
                StateDict patched = stack.applyTo(sd, unet);
                long applied = System.nanoTime();
                long extra = 0;
                for (String k : sd.keys()) if (patched.get(k) != sd.get(k)) extra += patched.get(k).nbytes();
                long rss = BenchProcess.rssMb();
                patched.close();
                long removed = System.nanoTime();
                System.out.printf("run %d: apply %.0f ms, remove %.1f ms; patched weights hold %d MB "
                                + "(float32 copies), RSS +%d MB while held%n",
                        i, (applied - s) / 1e6, (removed - applied) / 1e6, extra >> 20, rss - rssBefore);
            }
            MemoryStats.trimNativeHeap();
            System.out.printf("RSS after the runs: +%d MB over the start%n", BenchProcess.rssMb() - rssBefore);
        } finally {
            Files.deleteIfExists(lora);
        }
    }
}
