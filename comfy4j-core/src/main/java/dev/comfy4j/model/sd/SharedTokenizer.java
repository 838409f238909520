package dev.comfy4j.model.sd;

import dev.comfy4j.model.clip.Sd1Tokenizer;
import dev.comfy4j.model.clip.TokenizerFiles;
import dev.comfy4j.python.PyError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * The SD1 prompt tokenizer of a server, read once on first use (the vocabulary takes a moment and
 * may have to be downloaded) and shared by every CLIP handle. Thread-safe.
 */
public final class SharedTokenizer implements Supplier<Sd1Tokenizer> {
    private final TokenizerFiles files;
    private final List<Path> embeddingDirectories;
    private Sd1Tokenizer tokenizer;

    public SharedTokenizer(TokenizerFiles files, List<Path> embeddingDirectories) {
        this.files = files;
        this.embeddingDirectories = List.copyOf(embeddingDirectories);
    }

    @Override
    public synchronized Sd1Tokenizer get() {
        if (tokenizer == null) {
            try {
                tokenizer = new Sd1Tokenizer(files.load(), embeddingDirectories);
            } catch (IOException e) {
                throw new PyError("RuntimeError", "the CLIP tokenizer files (" + TokenizerFiles.VOCAB + ", "
                        + TokenizerFiles.MERGES + ") are not in " + files.folder() + " and could not be downloaded from "
                        + files.baseUrl() + ": " + e.getMessage());
            }
        }
        return tokenizer;
    }
}
