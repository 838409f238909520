package dev.comfy4j.sampling.preview;

import dev.comfy4j.model.ModelFileException;
import dev.comfy4j.model.taesd.TaesdDecoder;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ComfyUI's {@code get_previewer} for the SD1.x latent format: {@code none} gives no previewer;
 * {@code auto} and {@code latent2rgb} the latent-to-RGB factors; {@code taesd} the tiny autoencoder
 * when a {@code taesd_decoder*} file is in {@code models/vae_approx}, else a warning and latent2rgb.
 */
public final class Previewers {
    /** {@code latent_formats.SD15.taesd_decoder_name}: the prefix of the decoder's file name. */
    public static final String SD15_TAESD_DECODER = "taesd_decoder";

    private static final Logger LOG = LoggerFactory.getLogger(Previewers.class);

    private Previewers() {}

    /**
     * @param method the {@code --preview-method} value
     * @param taesdDecoder finds the decoder file (only asked for {@code taesd})
     * @return the previewer, or null for {@code none}
     */
    public static LatentPreviewer create(String method, Supplier<Optional<Path>> taesdDecoder) throws ModelFileException {
        if (method == null || method.equals("none")) return null;
        if (method.equals("taesd")) {
            Optional<Path> file = taesdDecoder.get();
            if (file.isPresent()) return new TaesdPreviewer(TaesdDecoder.load(file.get()));
            LOG.warn("Warning: TAESD previews enabled, but could not find models/vae_approx/{}", SD15_TAESD_DECODER);
        }
        return Latent2RgbPreviewer.sd15();
    }
}
