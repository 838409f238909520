package dev.comfy4j.model.vae;

import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.SdLayouts;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.TinyCheckpoints;
import dev.comfy4j.tensor.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny random SD1.5 checkpoint (real key layout, VAE width 32 instead of 128, float16) written once
 * per test run: its {@code first_stage_model.*} has the real structure at 1/16 of the arithmetic.
 */
final class TinyVae {
    private static Path file;

    private TinyVae() {}

    static synchronized Path checkpoint() {
        if (file == null) {
            try {
                Path dir = Files.createTempDirectory("comfy4j-tiny-vae");
                dir.toFile().deleteOnExit();
                file = TinyCheckpoints.writeSd15(dir.resolve("tiny_sd15.safetensors"), SdLayouts.Sizes.TINY, DType.F16, 7);
                file.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }

    static StateDict open() throws IOException {
        return ModelFiles.loadStateDict(checkpoint());
    }
}
