package dev.comfy4j.sampling.preview;

import dev.comfy4j.model.LatentFormat;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * ComfyUI's {@code Latent2RGBPreviewer}: each latent pixel's channels mixed into RGB by the latent
 * format's fixed factors ({@code F.linear(x0[0].movedim(0, -1), factors.T, bias)}), one preview pixel per
 * latent pixel.
 */
public final class Latent2RgbPreviewer implements LatentPreviewer {
    /** {@code latent_formats.SD15.latent_rgb_factors}: rows are the latent channels, columns R, G, B. */
    public static final float[][] SD15_FACTORS = LatentFormat.SD15.rgbFactors();

    private final float[][] factors;
    private final float[] bias;

    /** @param bias the RGB bias, or null (SD1.x has none) */
    public Latent2RgbPreviewer(float[][] factors, float[] bias) {
        this.factors = factors;
        this.bias = bias;
    }

    public static Latent2RgbPreviewer sd15() {
        return of(LatentFormat.SD15);
    }

    /** The previewer of a latent format: its factors and bias. */
    public static Latent2RgbPreviewer of(LatentFormat format) {
        return new Latent2RgbPreviewer(format.rgbFactors(), format.rgbBias());
    }

    @Override
    public PreviewImage preview(Tensor denoised) {
        try (TensorScope ignored = TensorScope.open()) {
            int channels = factors.length;
            float[] weight = new float[3 * channels];
            for (int c = 0; c < channels; c++) for (int k = 0; k < 3; k++) weight[k * channels + c] = factors[c][k];
            Tensor w = Tensor.fromFloats(weight, 3, channels);
            Tensor b = bias == null ? null : Tensor.fromFloats(bias, 3);
            Tensor x = denoised.select(0, 0).to(dev.comfy4j.tensor.DType.F32).permute(1, 2, 0);
            Tensor rgb = Functional.linear(x, w, b).contiguous();
            return LatentPreviewer.toImage(rgb.toFloatArray(), (int) rgb.size(1), (int) rgb.size(0));
        }
    }
}
