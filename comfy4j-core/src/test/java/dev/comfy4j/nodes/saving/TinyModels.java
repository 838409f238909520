package dev.comfy4j.nodes.saving;

import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.SdLayouts;
import dev.comfy4j.model.TinyCheckpoints;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** A tiny SD1.5 checkpoint (fp16, real key names) and a LoRA for it, laid out under a base folder. */
final class TinyModels {
    static final String UNET_WEIGHT = "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight";
    static final String CLIP_WEIGHT = "cond_stage_model.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight";
    static final int RANK = 4;
    static final float ALPHA = 2.0f;

    private TinyModels() {}

    static Path checkpoint(Path base) throws IOException {
        Path folder = Files.createDirectories(base.resolve("models/checkpoints"));
        return TinyCheckpoints.writeSd15(folder.resolve("tiny.safetensors"), SdLayouts.Sizes.TINY, DType.F16, 7);
    }

    /** A rank-4 LoRA (fp32 factors, alpha 2) on {@link #UNET_WEIGHT} and {@link #CLIP_WEIGHT}, with ComfyUI's generic names. */
    static Path lora(Path base, long[] unetShape, long[] clipShape) throws IOException {
        Path folder = Files.createDirectories(base.resolve("models/loras"));
        Random random = new Random(5);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (TensorScope ignored = TensorScope.open()) {
            factors(tensors, "diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k", unetShape, random);
            factors(tensors, "text_encoders.clip_l.transformer.text_model.encoder.layers.0.self_attn.q_proj", clipShape, random);
            return write(folder.resolve("tiny_lora.safetensors"), tensors);
        }
    }

    private static Path write(Path file, Map<String, Tensor> tensors) throws IOException {
        SafetensorsWriter.write(file, tensors, Map.of());
        return file;
    }

    static float[] gaussian(Random random, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (random.nextGaussian() * scale);
        return v;
    }

    private static void factors(Map<String, Tensor> out, String key, long[] shape, Random random) {
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        out.put(key + ".lora_up.weight", Tensor.fromFloats(gaussian(random, rows * RANK, 0.3), rows, RANK));
        out.put(key + ".lora_down.weight", Tensor.fromFloats(gaussian(random, RANK * cols, 0.3), RANK, cols));
        out.put(key + ".alpha", Tensor.fromFloats(new float[] {ALPHA}));
    }
}
