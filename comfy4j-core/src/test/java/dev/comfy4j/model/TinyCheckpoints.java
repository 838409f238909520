package dev.comfy4j.model;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes random checkpoints with real SD key names: tiny ones for CI ({@link SdLayouts.Sizes#TINY},
 * a few MB) or full-size ones for benchmarks. Values follow make_random_sd15.py: weights
 * N(0,1)/sqrt(fan_in), biases 0, norm scales 1, token embedding N(0, 0.02), position embedding
 * N(0, 0.01), position_ids 0..76 (int64). Deterministic for a seed (Java's SplittableRandom, so the
 * numbers differ from the Python tool's).
 */
public final class TinyCheckpoints {
    private TinyCheckpoints() {}

    public static Path writeSd15(Path file, SdLayouts.Sizes sizes, DType dtype, long seed) throws IOException {
        return write(file, SdLayouts.sd15(sizes), dtype, seed, Map.of("format", "pt", "generator", "TinyCheckpoints"));
    }

    public static Path writeSdxl(Path file, SdLayouts.XlSizes sizes, DType dtype, long seed) throws IOException {
        return write(file, SdLayouts.sdxl(sizes), dtype, seed, Map.of("format", "pt", "generator", "TinyCheckpoints"));
    }

    /** Writes random tensors of the given shapes, in map order. */
    public static Path write(Path file, Map<String, long[]> shapes, DType dtype, long seed, Map<String, String> metadata)
            throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (TensorScope ignored = TensorScope.open()) {
            for (Map.Entry<String, long[]> e : shapes.entrySet()) tensors.put(e.getKey(), value(rng, e.getKey(), e.getValue(), dtype));
            SafetensorsWriter.write(file, tensors, metadata);
        }
        return file;
    }

    private static Tensor value(SplittableRandom rng, String key, long[] shape, DType dtype) {
        int n = 1;
        for (long s : shape) n = Math.multiplyExact(n, (int) s);
        if (key.endsWith("position_ids")) {
            long[] ids = new long[n];
            for (int i = 0; i < n; i++) ids[i] = i;
            return Tensor.fromLongs(ids, shape);
        }
        float[] v = new float[n];
        if (key.endsWith(".bias") || key.endsWith("_bias")) {
            // zeros
        } else if (SdLayouts.isNorm(key)) {
            java.util.Arrays.fill(v, 1f);
        } else {
            double scale;
            if (key.endsWith("token_embedding.weight")) scale = 0.02;
            else if (key.endsWith("position_embedding.weight") || key.endsWith("positional_embedding")) scale = 0.01;
            else scale = 1.0 / Math.sqrt(shape.length > 1 ? n / shape[0] : n);
            for (int i = 0; i < n; i++) v[i] = (float) (rng.nextGaussian() * scale);
        }
        Tensor f = Tensor.fromFloats(v, shape);
        return dtype == DType.F32 ? f : f.to(dtype);
    }
}
