package dev.comfy4j.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * comfy4j-core is what an application embeds: its classpath (this module's test classpath is the
 * library's dependencies plus the test tools) carries no HTTP server, job database or logging
 * backend of the server's. The build's enforcer rule says the same for the published POM; this
 * checks what a test run really loads.
 */
class LibraryClasspathTest {
    private static final List<String> SERVER_ONLY = List.of(
            "javalin", "jetty", "sqlite-jdbc", "postgresql", "HikariCP", "flyway", "picocli", "prometheus");

    @Test
    void theLibraryClasspathHasNoServerJar() {
        List<String> jars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> new File(entry).getName())
                .toList();
        assertThat(jars).anyMatch(name -> name.startsWith("pytorch-"));
        for (String serverOnly : SERVER_ONLY) {
            assertThat(jars).as("jars named like %s", serverOnly).noneMatch(name -> name.startsWith(serverOnly));
        }
    }

    @Test
    void noServerClassCanBeLoaded() {
        assertThatThrownBy(() -> Class.forName("io.javalin.Javalin")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.eclipse.jetty.server.Server")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("dev.comfy4j.App")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("dev.comfy4j.server.HttpServer")).isInstanceOf(ClassNotFoundException.class);
    }
}
