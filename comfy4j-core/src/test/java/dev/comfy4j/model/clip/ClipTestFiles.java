package dev.comfy4j.model.clip;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The CLIP ViT-L/14 tokenizer files of the shared folder beside the repository (never committed). */
final class ClipTestFiles {
    static final Path TOKENIZER_DIR = Path.of("..", "shared", "data", "clip-vit-l-14-tokenizer");
    private static ClipTokenizer tokenizer;

    private ClipTestFiles() {}

    /** Skips the calling test when the shared tokenizer files are absent. */
    static Path requireTokenizerDir() {
        assumeTrue(Files.isRegularFile(TOKENIZER_DIR.resolve("vocab.json")) && Files.isRegularFile(TOKENIZER_DIR.resolve("merges.txt")),
                "CLIP tokenizer files not found in " + TOKENIZER_DIR.toAbsolutePath() + " (shared data beside the repository); skipping");
        return TOKENIZER_DIR;
    }

    static synchronized ClipTokenizer tokenizer() {
        Path dir = requireTokenizerDir();
        if (tokenizer == null) {
            try {
                tokenizer = ClipTokenizer.load(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tokenizer;
    }
}
