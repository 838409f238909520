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
        return layOut(base, TestCheckpoints.requireSd15().toAbsolutePath(), TestCheckpoints.SD15_NAME);
    }

    /** As {@link #layOut(Path)} with the random SDXL checkpoint instead. */
    public static Path layOutSdxl(Path base) throws IOException {
        return layOut(base, TestCheckpoints.requireSdxl().toAbsolutePath(), TestCheckpoints.SDXL_NAME);
    }

    private static Path layOut(Path base, Path checkpoint, String fileName) throws IOException {
        Path tokenizer = SharedFiles.require("data/clip-vit-l-14-tokenizer").toAbsolutePath();
        Path checkpoints = Files.createDirectories(base.resolve("models/checkpoints"));
        Files.createSymbolicLink(checkpoints.resolve(fileName), checkpoint);
        Path textEncoders = Files.createDirectories(base.resolve("models/text_encoders"));
        for (String name : new String[] {"vocab.json", "merges.txt"}) {
            Files.createSymbolicLink(textEncoders.resolve(name), tokenizer.resolve(name));
        }
        return base;
    }
}
