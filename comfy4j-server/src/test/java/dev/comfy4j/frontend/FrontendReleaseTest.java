package dev.comfy4j.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FrontendReleaseTest {
    @Test
    void parsesComfyUisVersionForms() {
        assertThat(FrontendRelease.parse("Comfy-Org/ComfyUI_frontend@v1.27.10"))
                .isEqualTo(new FrontendRelease("Comfy-Org", "ComfyUI_frontend", "v1.27.10"));
        FrontendRelease plain = FrontendRelease.parse("Comfy-Org/ComfyUI_frontend@1.27.10");
        assertThat(plain.semanticVersion()).isEqualTo("1.27.10");
        assertThat(plain.folderName()).isEqualTo("Comfy-Org_ComfyUI_frontend");
        assertThat(FrontendRelease.parse("a/b@latest").isLatest()).isTrue();
        assertThat(FrontendRelease.parse("a/b@v1.2.3-rc.1").semanticVersion()).isEqualTo("1.2.3-rc.1");
        for (String bad : new String[] {"ComfyUI_frontend@1.27.10", "a/b@1.27", "a/b@newest", "-a/b@1.2.3", "a/b/c@1.2.3", "a/b@1.2.3/../x", ""}) {
            assertThatThrownBy(() -> FrontendRelease.parse(bad)).hasMessageContaining("invalid --front-end-version");
        }
    }

    @Test
    void zipEntriesAreCheckedAfterResolving() throws IOException {
        Path root = Path.of("/srv/cache/x").toAbsolutePath();
        assertThat(SafeUnzip.resolveInside(root, "assets/a.js")).isEqualTo(root.resolve("assets/a.js"));
        assertThat(SafeUnzip.resolveInside(root, "assets/../index.html")).isEqualTo(root.resolve("index.html"));
        for (String bad : new String[] {"../x", "a/../../x", "/etc/passwd", "..\\x", "a\\..\\..\\x", "C:/x", "c:\\x"}) {
            assertThatThrownBy(() -> SafeUnzip.resolveInside(root, bad)).hasMessageContaining("unsafe entry");
        }
    }

    @Test
    void versionFoldersSortNumerically() {
        List<String> sorted = Stream.of("1.27.9", "1.27.10", "1.3.0", "notes", "1.27.10-rc1", "2.0.0")
                .map(VersionOrder::new).sorted(Comparator.naturalOrder()).map(VersionOrder::name).toList();
        assertThat(sorted).containsExactly("notes", "1.3.0", "1.27.9", "1.27.10-rc1", "1.27.10", "2.0.0");
    }
}
