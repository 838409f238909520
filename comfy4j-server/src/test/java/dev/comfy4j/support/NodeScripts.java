package dev.comfy4j.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Node.js scripts of the tests ({@code comfy4j-server/src/test/browser}) and the npm packages they use, installed by
 * {@code .ci/run} into {@code .ci/node/node_modules} ({@code npm ci} of {@code comfy4j-server/src/test/browser/package-lock.json})
 * or found at {@code COMFY4J_BROWSER_MODULES}. Tests that need them call {@link #require}: skipped with
 * the reason on a machine without them, failed under CI ({@code CI=true}) so that a green run cannot hide
 * a missing tool.
 */
public final class NodeScripts {
    private NodeScripts() {}

    /** Skips the calling test (fails it on CI) when {@code node} or one of {@code packages} is missing. */
    public static void require(String... packages) {
        Optional<String> missing = missing(packages);
        if (missing.isPresent() && "true".equals(System.getenv("CI"))) throw new AssertionError("unavailable on CI: " + missing.get());
        assumeTrue(missing.isEmpty(), () -> "Node.js test skipped: " + missing.orElse(""));
    }

    /** Why the scripts cannot run here, or empty when they can. */
    public static Optional<String> missing(String... packages) {
        for (String p : packages) {
            if (!Files.isDirectory(modules().resolve(p))) {
                return Optional.of(p + " not installed in " + modules()
                        + " (run .ci/run, or npm ci in a copy of comfy4j-server/src/test/browser, and set COMFY4J_BROWSER_MODULES)");
            }
        }
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) return Optional.of("node --version failed");
        } catch (IOException e) {
            return Optional.of("node not found on the PATH (apt-get install nodejs npm)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
        return Optional.empty();
    }

    /** The folder of the installed npm packages. */
    public static Path modules() {
        String configured = System.getenv("COMFY4J_BROWSER_MODULES");
        return Path.of(configured == null || configured.isBlank() ? ".ci/node/node_modules" : configured).toAbsolutePath();
    }

    /**
     * Runs {@code node src/test/browser/<script> args...} with {@code NODE_PATH} set to {@link #modules()}
     * and returns its standard output; fails the test when it exits non-zero or outlives {@code timeout}.
     */
    public static String run(String script, List<String> args, Map<String, String> env, Duration timeout) {
        List<String> command = new ArrayList<>(List.of("node", Path.of("comfy4j-server/src/test/browser", script).toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("NODE_PATH", modules().toString());
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            byte[] stdout = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(script + " did not finish within " + timeout);
            }
            String errors = new String(stderr.join(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) throw new AssertionError(script + " failed: " + errors);
            return new String(stdout, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
