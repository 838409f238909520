package dev.comfy4j.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesServicesTest {
    @TempDir
    Path dir;

    @Test
    void outputNamingCountsAndRefusesToLeaveTheFolder() throws Exception {
        Files.createDirectories(dir.resolve("out/portraits"));
        Files.writeString(dir.resolve("out/portraits/img_00007_.png"), "");
        Files.writeString(dir.resolve("out/portraits/img_abc_.png"), "");
        Files.writeString(dir.resolve("out/portraits/other_00099_.png"), "");
        OutputNaming.Target t = OutputNaming.resolve("portraits/img", dir.resolve("out"), 64, 32);
        assertThat(t.subfolder()).isEqualTo("portraits");
        assertThat(t.counter()).isEqualTo(8);
        assertThat(t.fileName(0, "png")).isEqualTo("img_00008_.png");
        assertThat(t.fileName(1, "png")).isEqualTo("img_00009_.png");
        OutputNaming.Target sized = OutputNaming.resolve("%width%x%height%/%year%-%month%", dir.resolve("out"), 64, 32,
                LocalDateTime.of(2025, 3, 4, 5, 6, 7));
        assertThat(sized.subfolder()).isEqualTo("64x32");
        assertThat(sized.filename()).isEqualTo("2025-03");
        assertThat(sized.counter()).isEqualTo(1);
        assertThat(OutputNaming.resolve("ComfyUI", dir.resolve("out"), 1, 1).subfolder()).isEqualTo("");
        assertThat(OutputNaming.uiResult("a_00001_.png", "", "output").toString())
                .isEqualTo("{\"filename\":\"a_00001_.png\",\"subfolder\":\"\",\"type\":\"output\"}");
        assertThatThrownBy(() -> OutputNaming.resolve("../escape/img", dir.resolve("out"), 1, 1))
                .isInstanceOf(OutputNaming.OutsideOutputFolderException.class)
                .hasMessageStartingWith("**** ERROR: Saving image outside the output folder is not allowed.");
    }

    @Test
    void modelRegistryListsFiltersAndReadsExtraPaths() throws Exception {
        Path models = dir.resolve("models");
        Files.createDirectories(models.resolve("loras/sub"));
        Files.writeString(models.resolve("loras/b.SAFETENSORS"), "");
        Files.writeString(models.resolve("loras/sub/a.pt"), "");
        Files.writeString(models.resolve("loras/readme.md"), "");
        Files.createDirectories(models.resolve("classifiers"));
        Files.writeString(models.resolve("classifiers/plain"), "");
        Files.writeString(models.resolve("classifiers/x.bin"), "");
        Path extra = Files.createDirectories(dir.resolve("elsewhere/my_loras"));
        Files.writeString(extra.resolve("z.safetensors"), "");
        Files.writeString(dir.resolve("extra_model_paths.yaml"), """
                mine:
                    base_path: elsewhere
                    is_default: true
                    loras: |
                        my_loras
                        other_loras
                    brand_new: new_folder
                """);
        ModelFolders registry = ModelFolders.standard(dir, models);
        ExtraModelPaths.load(dir.resolve("extra_model_paths.yaml"), registry);
        registry.addOutputSearchPaths(dir.resolve("output"));
        assertThat(registry.searchPaths("loras")).containsExactly(dir.resolve("elsewhere/other_loras"),
                dir.resolve("elsewhere/my_loras"), models.resolve("loras"), dir.resolve("output/loras"));
        assertThat(registry.filenames("loras")).containsExactly("b.SAFETENSORS", "sub/a.pt", "z.safetensors");
        assertThat(registry.filenames("classifiers")).containsExactly("plain");
        assertThat(registry.names()).endsWith("audio_encoders", "brand_new");
        assertThat(registry.searchPaths("clip")).isEqualTo(registry.searchPaths("text_encoders"));
        assertThat(registry.fullPath("loras", "sub/a.pt")).hasValue(models.resolve("loras/sub/a.pt"));
        assertThat(registry.fullPath("loras", "../../loras/sub/a.pt")).isEmpty();
        assertThat(registry.fullPath("unknown", "a.pt")).isEmpty();
        assertThat(registry.contains("unet")).isFalse();
    }

    @Test
    void pathHelpers() {
        assertThat(SafePaths.extension("a/b.tar.gz")).isEqualTo(".gz");
        assertThat(SafePaths.extension(".bashrc")).isEmpty();
        assertThat(SafePaths.extension("dir.d/file")).isEmpty();
        assertThat(Users.percentDecode("a%2Fb%zz%")).isEqualTo("a/b%zz%");
        assertThat(Folders.annotated("x.png [output]")).isEqualTo(new Folders.AnnotatedName("x.png", "output"));
        assertThat(Folders.annotated("x.png[temp]").type()).isNull();
    }
}
