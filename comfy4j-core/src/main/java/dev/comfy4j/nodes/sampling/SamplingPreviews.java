package dev.comfy4j.nodes.sampling;

import dev.comfy4j.files.Folders;
import dev.comfy4j.model.LatentFormat;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.PreviewSettings;
import dev.comfy4j.sampling.preview.LatentPreviewer;
import dev.comfy4j.sampling.preview.Previewers;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The previews of one sampler run, as {@code --preview-method} and {@code --preview-size} ask: a
 * previewer (or none) and the size of the frames.
 */
public interface SamplingPreviews {
    SamplingPreviews NONE = new SamplingPreviews() {
        @Override public LatentPreviewer open(LatentFormat format) { return null; }
        @Override public int maxSize() { return 512; }
    };

    /** A new previewer for one run of a model with latents of {@code format}, or null when previews are off. */
    LatentPreviewer open(LatentFormat format) throws Exception;

    /** The longest side of a preview frame ({@code --preview-size}). */
    int maxSize();

    /** Previews by the server's settings, the TAESD decoder looked up in the {@code vae_approx} folders. */
    static SamplingPreviews of(NodeServices services) {
        return of(services.previews(), services.folders());
    }

    static SamplingPreviews of(PreviewSettings settings, Folders folders) {
        return new SamplingPreviews() {
            @Override
            public LatentPreviewer open(LatentFormat format) throws Exception {
                return Previewers.create(settings.method(), format, prefix -> taesdDecoder(folders, prefix));
            }

            @Override
            public int maxSize() {
                return settings.maxSize();
            }
        };
    }

    /** The first file of {@code vae_approx}, in listing order, whose name starts with {@code prefix} ({@code taesd_decoder}). */
    private static Optional<Path> taesdDecoder(Folders folders, String prefix) {
        return folders.models().filenames("vae_approx").stream()
                .filter(name -> name.startsWith(prefix))
                .findFirst()
                .flatMap(name -> folders.models().fullPath("vae_approx", name));
    }
}
