package dev.comfy4j.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.json.InvalidJsonException;
import dev.comfy4j.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Debian's Chromium, headless, driven by playwright-core through {@code comfy4j-server/src/test/browser/open-page.cjs}.
 * {@link #open} loads one page and returns the script's report (console messages, page errors, failed
 * requests, every response with the size and SHA-256 of its decoded body, and the page's own
 * {@code window.comfy4jTest} result).
 *
 * <p>Where things are: {@code node} on the PATH; Chromium at {@code COMFY4J_CHROMIUM} or
 * {@code /usr/bin/chromium}; the driver (playwright-core) where {@link NodeScripts} finds the npm
 * packages. Without them a test calling {@link #require} is skipped with the reason, except under CI ({@code CI=true}), where a missing browser fails the test so that a
 * green run cannot hide it.
 */
public final class HeadlessBrowser {
    private static final Path SCRIPT = Path.of("comfy4j-server/src/test/browser/open-page.cjs");

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
        return NodeScripts.missing("playwright-core");
    }

    private static Path chromium() {
        String configured = System.getenv("COMFY4J_CHROMIUM");
        return Path.of(configured == null || configured.isBlank() ? "/usr/bin/chromium" : configured);
    }

    /** Opens {@code url}, waits for the page's load, its test result and an idle network, and reports. */
    public static Report open(String url, Duration timeout) {
        String out = NodeScripts.run(SCRIPT.getFileName().toString(), List.of(url, Long.toString(timeout.toMillis())),
                Map.of("CHROMIUM", chromium().toString()), timeout);
        try {
            return new Report(Json.parse(out));
        } catch (InvalidJsonException e) {
            throw new AssertionError("the browser script printed no JSON report: " + out, e);
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
