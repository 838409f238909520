package dev.comfy4j.support;

import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.files.Folders;
import dev.comfy4j.files.OutputConventions;
import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.clip.TokenizerFiles;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.PreviewSettings;
import dev.comfy4j.tensor.TorchRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Node services for tests that build a node registry: real folders, a model manager, the CPU or CUDA device. */
public final class TestServices {
    private TestServices() {}

    /** Services over the folders of {@link ServerConfig#defaults} rooted at {@code base} (created). */
    public static NodeServices over(Path base) {
        return over(Folders.create(ServerConfig.defaults(base)));
    }

    /** Services over {@code folders}, with a model manager of their own and no previews. */
    public static NodeServices over(Folders folders) {
        ModelManager models = ModelManager.create(0);
        return new NodeServices(folders, models, TorchRuntime::computeDevice, PreviewSettings.NONE,
                new OutputConventions(false), NodeServices.checkpoints(folders, models, TokenizerFiles.DEFAULT_BASE_URL, TorchRuntime::computeDevice));
    }

    /** Services over a fresh folder under {@code target/test-folders} (for tests without a temp dir of their own). */
    public static NodeServices scratch() {
        try {
            Path root = Files.createDirectories(Path.of("target", "test-folders"));
            return over(Files.createTempDirectory(root, "services"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
