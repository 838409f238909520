package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.List;

/**
 * SDXL's extra UNet input {@code y} as ComfyUI's {@code SDXL.encode_adm} builds it: the pooled CLIP-G
 * output followed by the 256-wide sinusoidal embeddings ({@code Timestep(256)}) of height, width,
 * crop_h, crop_w, target_height and target_width, 1280 + 6 * 256 = 2816 values a row.
 */
public final class SdxlAdm {
    public static final int SIZE_EMBEDDING = 256;
    public static final int WIDTH = 1280 + 6 * SIZE_EMBEDDING;

    /** The sizes in the conditioning; ComfyUI's defaults fill what the conditioning lacks. */
    public record Sizes(double width, double height, double cropW, double cropH, double targetWidth, double targetHeight) {
        /** What sampling uses for a cond without sizes: the latent's pixel size, no crop, target = size. */
        public static Sizes of(double width, double height) {
            return new Sizes(width, height, 0, 0, width, height);
        }
    }

    /** The size {@code encode_adm} assumes when the conditioning and the sampler give none. */
    static final double DEFAULT_SIZE = 768;

    private SdxlAdm() {}

    /**
     * {@code SDXL.encode_adm(**kwargs)}: width and height default to 768 (the sampler always sets them), crops to 0,
     * targets to width and height.
     */
    public static Tensor encode(AdmInputs in) {
        Tensor pooled = in.requirePooled("SDXL", 1280);
        double width = in.value("width", DEFAULT_SIZE);
        double height = in.value("height", DEFAULT_SIZE);
        return encode(pooled, new Sizes(width, height, in.value("crop_w", 0), in.value("crop_h", 0),
                in.value("target_width", width), in.value("target_height", height)));
    }

    /** {@code pooled} [B, 1280] -> {@code y} [B, 2816], float32, in the caller's scope. */
    public static Tensor encode(Tensor pooled, Sizes s) {
        try (TensorScope scope = TensorScope.open()) {
            // torch.Tensor([v]) is float32: the sizes are rounded to float32 before the embedding.
            float[] values = {(float) s.height(), (float) s.width(), (float) s.cropH(), (float) s.cropW(),
                (float) s.targetHeight(), (float) s.targetWidth()};
            Tensor embedded = TimestepEmbedding.of(Tensor.fromFloats(values, values.length), SIZE_EMBEDDING)
                    .reshape(1, (long) values.length * SIZE_EMBEDDING);
            Tensor flat = embedded.expand(pooled.size(0), embedded.size(1));
            return scope.keep(Tensor.cat(List.of(pooled.to(DType.F32), flat), 1));
        }
    }
}
