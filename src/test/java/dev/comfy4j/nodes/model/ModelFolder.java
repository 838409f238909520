package dev.comfy4j.nodes.model;

import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.support.TestCheckpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A base folder laid out as a user would: the random SD1.5 checkpoint in {@code models/checkpoints}
 * under the name ComfyUI saw, and the CLIP tokenizer files in {@code models/text_encoders} (both
 * linked, not copied). Skips the calling test when the checkpoint or ../shared is absent.
 */
public final class ModelFolder {
    private ModelFolder() {}

    public static Path layOut(Path base) throws IOException {
        Path checkpoint = TestCheckpoints.requireSd15().toAbsolutePath();
        Path tokenizer = SharedFiles.require("data/clip-vit-l-14-tokenizer").toAbsolutePath();
        Path checkpoints = Files.createDirectories(base.resolve("models/checkpoints"));
        Files.createSymbolicLink(checkpoints.resolve(TestCheckpoints.SD15_NAME), checkpoint);
        Path textEncoders = Files.createDirectories(base.resolve("models/text_encoders"));
        for (String name : new String[] {"vocab.json", "merges.txt"}) {
            Files.createSymbolicLink(textEncoders.resolve(name), tokenizer.resolve(name));
        }
        return base;
    }
}
