package dev.comfy4j.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shipped resource folders are found both in a classes folder and inside a jar (how bin/comfy4j runs). */
class ClasspathFolderTest {
    @TempDir
    Path dir;

    @Test
    void findsAFolderInsideAJarAndReadsItsFiles() throws IOException {
        Path jar = dir.resolve("app.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry("pack/items/index.json"));
            out.write("[1]".getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new JarEntry("pack/items/a-1.png"));
            out.write(new byte[] {1, 2, 3});
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Path folder = ClasspathFolder.locate(loader, "pack/items", "index.json").orElseThrow();
            assertThat(folder.toUri().getScheme()).isEqualTo("jar");
            assertThat(Files.readString(folder.resolve("index.json"))).isEqualTo("[1]");
            assertThat(Files.size(folder.resolve("a-1.png"))).isEqualTo(3);
            assertThat(SafePaths.inside(folder, folder.resolve("a-1.png"))).isTrue();
            assertThat(SafePaths.inside(folder, folder.resolve("../items2/x").normalize())).isFalse();
            assertThat(ClasspathFolder.locate(loader, "pack/none", "index.json")).isEmpty();
            // a second lookup in the same jar reuses its open file system
            assertThat(ClasspathFolder.locate(loader, "pack/items", "a-1.png")).hasValue(folder);
        }
    }

    @Test
    void findsAFolderInAClassesDirectory() throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes/pack/items"));
        Files.writeString(classes.resolve("index.json"), "[]");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.resolve("classes").toUri().toURL()}, null)) {
            assertThat(ClasspathFolder.locate(loader, "pack/items", "index.json")).hasValue(classes);
        }
    }
}
