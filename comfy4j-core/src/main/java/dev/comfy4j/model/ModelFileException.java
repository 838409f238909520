package dev.comfy4j.model;

import java.io.IOException;
import java.nio.file.Path;

/** A model file that cannot be read: its message always starts with the file's name. */
public class ModelFileException extends IOException {
    public ModelFileException(Path file, String problem) {
        super(file.getFileName() + ": " + problem);
    }

    public ModelFileException(Path file, String problem, Throwable cause) {
        super(file.getFileName() + ": " + problem, cause);
    }
}
