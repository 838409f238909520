package dev.comfy4j.engine;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared reference folder next to the repository (ComfyUI goldens and conformance cases). */
public final class SharedFiles {
    public static final Path ROOT = Path.of("..", "shared");

    private SharedFiles() {}

    /** Skips the calling test when the shared folder is not checked out beside the repository. */
    public static Path require(String relative) {
        Path p = ROOT.resolve(relative);
        assumeTrue(Files.exists(p), "shared reference data not available at " + p.toAbsolutePath()
                + " (it lives beside the repository); skipping");
        return p;
    }

    public static JsonNode json(String relative) throws IOException {
        return Json.parse(Files.readString(require(relative)));
    }
}
