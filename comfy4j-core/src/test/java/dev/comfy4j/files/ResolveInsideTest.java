package dev.comfy4j.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Folders#resolveInside}: the one containment rule for file names from prompts. */
class ResolveInsideTest {
    @TempDir Path base;

    @Test
    void modelFoldersSearchEveryPathAndStayInsideEach() throws Exception {
        Path elsewhere = Files.createDirectories(base.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("b.safetensors"), "b");
        Path linkedRoot = Files.createSymbolicLink(base.resolve("linked-root"), elsewhere);
        try (Folders folders = Folders.create(ServerConfig.defaults(base))) {
            Path checkpoints = Files.createDirectories(base.resolve("models/checkpoints"));
            Files.createDirectories(checkpoints.resolve("sd"));
            Files.writeString(checkpoints.resolve("sd/a.safetensors"), "a");
            folders.models().addPath("checkpoints", linkedRoot, false); // as extra_model_paths.yaml does

            assertThat(folders.resolveInside("checkpoints", "sd/a.safetensors")).contains(checkpoints.resolve("sd/a.safetensors"));
            // Found in the second search path, whose root is itself a link: its real path is the root.
            assertThat(folders.resolveInside("checkpoints", "b.safetensors")).contains(linkedRoot.resolve("b.safetensors"));
            // Not there yet: where it would be in the first search path.
            assertThat(folders.resolveInside("checkpoints", "new.safetensors")).contains(checkpoints.resolve("new.safetensors"));

            assertThat(folders.resolveInside("checkpoints", "../checkpoints/sd/a.safetensors")).isPresent();
            assertThat(folders.resolveInside("checkpoints", "../../elsewhere/b.safetensors")).isEmpty();
            assertThat(folders.resolveInside("checkpoints", elsewhere.resolve("b.safetensors").toString())).isEmpty();
            // A link the administrator placed in a model folder is followed, as ComfyUI does.
            Files.createSymbolicLink(checkpoints.resolve("out.safetensors"), elsewhere.resolve("b.safetensors"));
            assertThat(folders.resolveInside("checkpoints", "out.safetensors")).contains(checkpoints.resolve("out.safetensors"));
            assertThat(folders.resolveInside("checkpoints", "sd/../../../elsewhere/b.safetensors")).isEmpty();
            assertThat(folders.resolveInside("checkpoints", "")).isEmpty();
            assertThat(folders.resolveInside("checkpoints", ".")).isEmpty();
            assertThat(folders.resolveInside("checkpoints", "a\0b")).isEmpty();
            assertThat(folders.resolveInside("no_such_folder", "a.safetensors")).isEmpty();
        }
    }

    @Test
    void inputOutputAndTempAreSingleRoots() throws Exception {
        try (Folders folders = Folders.create(ServerConfig.defaults(base))) {
            assertThat(folders.resolveInside("input", "sub/x.png")).contains(folders.input().resolve("sub/x.png"));
            assertThat(folders.resolveInside("output", "x.png")).contains(folders.output().resolve("x.png"));
            assertThat(folders.resolveInside("temp", "../output/x.png")).isEmpty();
            Files.createSymbolicLink(folders.input().resolve("up"), base);
            assertThat(folders.resolveInside("input", "up/output/x.png")).isEmpty();
        }
    }
}
