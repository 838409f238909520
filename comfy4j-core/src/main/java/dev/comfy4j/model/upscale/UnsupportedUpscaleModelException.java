package dev.comfy4j.model.upscale;

import dev.comfy4j.model.ModelFileException;
import java.nio.file.Path;

/** A file whose weights are no upscale model comfy4j runs (spandrel's {@code UnsupportedModelError}). */
public final class UnsupportedUpscaleModelException extends ModelFileException {
    /** ComfyUI's {@code exception_type} for this case (the class spandrel raises). */
    public static final String PYTHON_TYPE = "spandrel.__helpers.registry.UnsupportedModelError";

    public UnsupportedUpscaleModelException(Path file, String problem) {
        super(file, problem);
    }
}
