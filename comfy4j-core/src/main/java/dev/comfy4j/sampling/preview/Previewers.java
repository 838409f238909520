package dev.comfy4j.sampling.preview;

import dev.comfy4j.model.LatentFormat;
import dev.comfy4j.model.ModelFileException;
import dev.comfy4j.model.taesd.TaesdDecoder;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ComfyUI's {@code get_previewer} for a model's latent format: {@code none} gives no previewer;
 * {@code auto} and {@code latent2rgb} the format's latent-to-RGB factors; {@code taesd} the tiny autoencoder
 * when a file named after the format's decoder ({@code taesd_decoder*}, {@code taesdxl_decoder*}) is in
 * {@code models/vae_approx}, else a warning and latent2rgb.
 */
public final class Previewers {
    /** {@code latent_formats.SD15.taesd_decoder_name}: the prefix of the decoder's file name. */
    public static final String SD15_TAESD_DECODER = LatentFormat.SD15.taesdDecoderName();

    private static final Logger LOG = LoggerFactory.getLogger(Previewers.class);

    private Previewers() {}

    /**
     * @param method the {@code --preview-method} value
     * @param taesdDecoder finds the decoder file (only asked for {@code taesd})
     * @return the previewer, or null for {@code none}
     */
    public static LatentPreviewer create(String method, Supplier<Optional<Path>> taesdDecoder) throws ModelFileException {
        return create(method, LatentFormat.SD15, name -> taesdDecoder.get());
    }

    /**
     * @param format the latent format of the model being sampled
     * @param taesdDecoder finds the decoder file whose name starts with the given prefix (only asked for {@code taesd})
     */
    public static LatentPreviewer create(String method, LatentFormat format, Function<String, Optional<Path>> taesdDecoder)
            throws ModelFileException {
        if (method == null || method.equals("none")) return null;
        if (method.equals("taesd")) {
            Optional<Path> file = taesdDecoder.apply(format.taesdDecoderName());
            if (file.isPresent()) return new TaesdPreviewer(TaesdDecoder.load(file.get()));
            LOG.warn("Warning: TAESD previews enabled, but could not find models/vae_approx/{}", format.taesdDecoderName());
        }
        return Latent2RgbPreviewer.of(format);
    }
}
