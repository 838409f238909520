package dev.comfy4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.nodes.model.ModelFolder;
import dev.comfy4j.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays the recorded answers of the real ComfyUI 0.3.64 (shared/conformance) against a fresh
 * comfy4j server with the real engine, using the shared runner. Every case must pass except those
 * listed, with their reason, in {@code conformance/known-failures.txt}; a listed case that starts
 * passing must be removed from the list, so the list stays true.
 */
class ConformanceTest {
    private static final Path RUNNER = Path.of("..", "shared", "conformance", "run_cases.py");

    @TempDir Path base;

    @Test
    void recordedComfyUiAnswersAreReproduced() throws Exception {
        assumeTrue(Files.isRegularFile(RUNNER), "../shared/conformance is absent: recorded answers cannot be replayed");
        assumeTrue(commandExists("python3"), "python3 is not installed: the shared conformance runner needs it");
        try (TestServer server = TestServer.start(TestServer.config(base))) {
            check(run(List.of("python3", RUNNER.toString(), "--url", server.url(""), "--skip-tag", "checkpoint",
                    "--timeout", "30")));
        }
    }

    /**
     * The cases tagged {@code checkpoint} (a 2-step text-to-image run over the WebSocket, an interrupted
     * KSampler, a queue held by a running prompt), with the random SD1.5 checkpoint where the recording
     * had it.
     */
    @Test
    void recordedAnswersWithTheCheckpointAreReproduced() throws Exception {
        assumeTrue(Files.isRegularFile(RUNNER), "../shared/conformance is absent: recorded answers cannot be replayed");
        assumeTrue(commandExists("python3"), "python3 is not installed: the shared conformance runner needs it");
        ModelFolder.layOut(base);
        List<String> command = new ArrayList<>(List.of("python3", RUNNER.toString(), "--url", "", "--timeout", "120"));
        List<String> cases = casesTagged("checkpoint");
        assertThat(cases).as("cases tagged checkpoint").isNotEmpty();
        command.addAll(cases);
        try (TestServer server = TestServer.start(TestServer.config(base))) {
            command.set(3, server.url(""));
            check(run(command));
        }
    }

    private static List<String> casesTagged(String tag) throws IOException {
        List<String> files = new ArrayList<>();
        try (var paths = Files.list(RUNNER.resolveSibling("cases"))) {
            for (Path p : paths.sorted().toList()) {
                if (!p.toString().endsWith(".json")) continue;
                JsonNode node = Json.parse(Files.readString(p));
                for (JsonNode c : node.isArray() ? node : Json.array().add(node)) {
                    if (c.path("tags").toString().contains("\"" + tag + "\"")) {
                        files.add(p.toString());
                        break;
                    }
                }
            }
        }
        return files;
    }

    /** Every case passed but the known failures, and no known failure passed. */
    private static void check(List<String> output) throws IOException {
        Map<String, String> known = knownFailures();
        Map<String, String> failed = new LinkedHashMap<>();
        Set<String> passed = new TreeSet<>();
        for (String line : output) {
            if (line.startsWith("PASS ")) passed.add(line.substring(5).trim());
            if (line.startsWith("FAIL ")) {
                String rest = line.substring(5);
                int colon = rest.indexOf(':');
                failed.put(colon < 0 ? rest.trim() : rest.substring(0, colon).trim(), rest);
            }
        }
        assertThat(passed).as("the runner reported no case: %s", output).isNotEmpty();
        Map<String, String> unexpected = new LinkedHashMap<>(failed);
        unexpected.keySet().removeAll(known.keySet());
        assertThat(unexpected).as("cases that fail and are not known failures").isEmpty();
        Set<String> nowPassing = new TreeSet<>(known.keySet());
        nowPassing.retainAll(passed);
        assertThat(nowPassing).as("known failures that now pass: remove them from known-failures.txt").isEmpty();
    }

    private static Map<String, String> knownFailures() throws IOException {
        Map<String, String> known = new LinkedHashMap<>();
        try (InputStream in = ConformanceTest.class.getResourceAsStream("/conformance/known-failures.txt")) {
            if (in == null) return known;
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) continue;
                int space = trimmed.indexOf(' ');
                known.put(space < 0 ? trimmed : trimmed.substring(0, space), space < 0 ? "" : trimmed.substring(space + 1));
            }
        }
        return known;
    }

    private static List<String> run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (var reader = process.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
                System.out.println("[conformance] " + line);
            }
        }
        if (!process.waitFor(10, TimeUnit.MINUTES)) process.destroyForcibly();
        return lines;
    }

    private static boolean commandExists(String name) {
        try {
            return new ProcessBuilder(name, "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
