package dev.comfy4j.model.unet;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.List;

/**
 * The SDXL refiner's {@code y} as ComfyUI's {@code SDXLRefiner.encode_adm} builds it: the pooled CLIP-G
 * output followed by the 256-wide sinusoidal embeddings of height, width, crop_h, crop_w and the aesthetic
 * score, 1280 + 5 * 256 = 2560 values a row. Width and height default to 768, crops to 0; the aesthetic score
 * (CLIPTextEncodeSDXLRefiner's {@code ascore}) defaults to 2.5 for a negative prompt and 6 otherwise.
 */
public final class SdxlRefinerAdm {
    public static final int WIDTH = 1280 + 5 * SdxlAdm.SIZE_EMBEDDING;
    static final double POSITIVE_AESTHETIC_SCORE = 6.0;
    static final double NEGATIVE_AESTHETIC_SCORE = 2.5;

    private SdxlRefinerAdm() {}

    /** {@code y} [B, 2560], float32, in the caller's scope. */
    public static Tensor encode(AdmInputs in) {
        Tensor pooled = in.requirePooled("the SDXL refiner", 1280);
        double score = in.value("aesthetic_score",
                "negative".equals(in.promptType()) ? NEGATIVE_AESTHETIC_SCORE : POSITIVE_AESTHETIC_SCORE);
        // torch.Tensor([v]) is float32: each value is rounded to float32 before the embedding.
        float[] values = {(float) in.value("height", SdxlAdm.DEFAULT_SIZE), (float) in.value("width", SdxlAdm.DEFAULT_SIZE),
            (float) in.value("crop_h", 0), (float) in.value("crop_w", 0), (float) score};
        try (TensorScope scope = TensorScope.open()) {
            Tensor embedded = TimestepEmbedding.of(Tensor.fromFloats(values, values.length), SdxlAdm.SIZE_EMBEDDING)
                    .reshape(1, (long) values.length * SdxlAdm.SIZE_EMBEDDING);
            Tensor flat = embedded.expand(pooled.size(0), embedded.size(1));
            return scope.keep(Tensor.cat(List.of(pooled.to(DType.F32), flat), 1));
        }
    }
}
