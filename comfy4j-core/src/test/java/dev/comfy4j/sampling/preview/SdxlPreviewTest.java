package dev.comfy4j.sampling.preview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.model.LatentFormat;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Previews of an SDXL model's latents: {@code latent_formats.SDXL}'s latent2rgb factors and bias (the values of
 * ComfyUI 0.3.64's source, written out here), and the TAESD decoder looked up under {@code taesdxl_decoder}.
 */
class SdxlPreviewTest {
    /** {@code latent_formats.SDXL.latent_rgb_factors}, rows per latent channel, columns R, G, B. */
    private static final double[][] FACTORS = {
        {0.3651, 0.4232, 0.4341},
        {-0.2533, -0.0042, 0.1068},
        {0.1076, 0.1111, -0.0362},
        {-0.3165, -0.2492, -0.2188},
    };
    private static final double[] BIAS = {0.1084, -0.0175, -0.0011};

    @Test
    void latent2rgbUsesTheSdxlFactorsAndBias() {
        try (TensorScope ignored = TensorScope.open()) {
            float[] latent = PreviewersTest.pattern(4, 3, 5);
            PreviewImage image = Latent2RgbPreviewer.of(LatentFormat.SDXL).preview(Tensor.fromFloats(latent, 1, 4, 3, 5));
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 5; x++) {
                    for (int k = 0; k < 3; k++) {
                        double v = BIAS[k];
                        for (int c = 0; c < 4; c++) v += latent[(c * 3 + y) * 5 + x] * FACTORS[c][k];
                        int expected = (int) (Math.min(1, Math.max(0, (v + 1) / 2)) * 255);
                        assertThat(image.rgb()[(y * 5 + x) * 3 + k] & 0xff).isCloseTo(expected, within(1));
                    }
                }
            }
        }
    }

    @Test
    void theTaesdPreviewLooksForTheSdxlDecoderAndFallsBackToLatent2rgb() throws Exception {
        List<String> asked = new ArrayList<>();
        LatentPreviewer previewer = Previewers.create("taesd", LatentFormat.SDXL, prefix -> {
            asked.add(prefix);
            return Optional.<Path>empty();
        });
        assertThat(asked).containsExactly("taesdxl_decoder");
        assertThat(previewer).isInstanceOf(Latent2RgbPreviewer.class);
        assertThat(LatentFormat.SD15.taesdDecoderName()).isEqualTo("taesd_decoder");
        assertThat(LatentFormat.SD15.rgbBias()).isNull();
        assertThat(LatentFormat.SD15.scaleFactor()).isEqualTo(0.18215);
        assertThat(LatentFormat.SDXL.scaleFactor()).isEqualTo(0.13025);
    }
}
