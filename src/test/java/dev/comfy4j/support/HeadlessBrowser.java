package dev.comfy4j.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium, headless, driven by playwright-core through {@code src/test/browser/open-page.cjs}.
 * {@link #open} loads one page and returns the script's report (console messages, page errors, failed
 * requests, every response with the size and SHA-256 of its decoded body, and the page's own
 * {@code window.comfy4jTest} result).
 *
 * <p>Where things are: {@code node} on the PATH; Chromium at {@code COMFY4J_CHROMIUM} or
 * {@code /usr/bin/chromium}; the driver's {@code node_modules} at {@code COMFY4J_BROWSER_MODULES} or
 * {@code .ci/node/node_modules}, where {@code .ci/run} installs it ({@code npm ci} of
 * {@code src/test/browser/package-lock.json}). Without them a test calling {@link #require} is skipped
 * with the reason, except under CI ({@code CI=true}), where a missing browser fails the test so that a
 * green run cannot hide it.
 */
public final class HeadlessBrowser {
    private static final Path SCRIPT = Path.of("src/test/browser/open-page.cjs");

    private HeadlessBrowser() {}

    /** Skips the calling test (fails it on CI) when the browser or its driver is missing. */
    public static void require() {
        Optional<String> missing = missing();
        if (missing.isPresent() && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("headless browser unavailable on CI: " + missing.get());
        }
        assumeTrue(missing.isEmpty(), () -> "headless browser test skipped: " + missing.orElse(""));
    }

    /** Why the browser cannot run here, or empty when it can. */
    public static Optional<String> missing() {
        if (!Files.isRegularFile(SCRIPT)) return Optional.of(SCRIPT + " not found (run the tests from the project root)");
        if (!Files.isExecutable(chromium())) {
            return Optional.of("no Chromium at " + chromium() + " (apt-get install chromium, or set COMFY4J_CHROMIUM)");
        }
        if (!Files.isDirectory(modules().resolve("playwright-core"))) {
            return Optional.of("playwright-core not installed in " + modules()
                    + " (run .ci/run, or npm ci in a copy of src/test/browser, and set COMFY4J_BROWSER_MODULES)");
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

    private static Path chromium() {
        String configured = System.getenv("COMFY4J_CHROMIUM");
        return Path.of(configured == null || configured.isBlank() ? "/usr/bin/chromium" : configured);
    }

    private static Path modules() {
        String configured = System.getenv("COMFY4J_BROWSER_MODULES");
        return Path.of(configured == null || configured.isBlank() ? ".ci/node/node_modules" : configured).toAbsolutePath();
    }

    /** Opens {@code url}, waits for the page's load, its test result and an idle network, and reports. */
    public static Report open(String url, Duration timeout) {
        List<String> command = List.of("node", SCRIPT.toString(), url, Long.toString(timeout.toMillis()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("NODE_PATH", modules().toString());
        builder.environment().put("CHROMIUM", chromium().toString());
        try {
            Process process = builder.start();
            CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            byte[] stdout = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the browser script did not finish within " + timeout);
            }
            String errors = new String(stderr.join(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) throw new AssertionError("the browser script failed: " + errors);
            return new Report(Json.parse(new String(stdout, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new AssertionError("cannot run the browser script", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** What the page did, as open-page.cjs reported it. */
    public record Report(JsonNode json) {
        public JsonNode result() {
            return json.path("result");
        }

        /** Console messages of type error, page errors and failed requests, one line each. */
        public List<String> errors() {
            List<String> out = new ArrayList<>();
            json.path("console").forEach(m -> {
                if (m.path("type").asText().equals("error")) out.add("console: " + m.path("text").asText() + " (" + m.path("url").asText() + ")");
            });
            json.path("pageErrors").forEach(e -> out.add("page error: " + e.asText()));
            json.path("requestFailures").forEach(f -> out.add("request failed: " + f.path("url").asText() + " "
                    + f.path("error").asText()));
            return out;
        }

        /** The last response the page got for a URL ending in {@code pathSuffix}. */
        public JsonNode response(String pathSuffix) {
            JsonNode found = null;
            for (JsonNode r : json.path("responses")) if (r.path("url").asText().endsWith(pathSuffix)) found = r;
            assertThat(found).as("a response for %s in %s", pathSuffix, json.path("responses")).isNotNull();
            return found;
        }
    }
}
