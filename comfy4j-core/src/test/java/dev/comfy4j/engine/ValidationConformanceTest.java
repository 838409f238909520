package dev.comfy4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.json.Json;
import dev.comfy4j.nodes.NodeCatalogue;
import dev.comfy4j.support.TestServices;
import dev.comfy4j.nodes.NodeRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the validation cases recorded from ComfyUI 0.3.64 (shared conformance cases 30xx, 40xx)
 * through {@link Engine#validate} and compares the error and node_errors JSON exactly (tracebacks
 * aside, and error order where the recording says it is a Python set order).
 */
class ValidationConformanceTest {
    static Stream<String> cases() {
        return Stream.of("3001", "3002", "3003", "3004", "3005", "3006", "3007", "3008", "3009", "3010", "3011",
                "3012", "3013", "3014", "3015", "3016", "3017", "3018", "3019", "4000", "4001", "4002");
    }

    private static GraphEngine engine() throws IOException {
        JsonNode golden = SharedFiles.json("golden/comfyui/object_info.json");
        NodeRegistry registry = NodeCatalogue.registry(TestServices.scratch());
        GoldenNodes.registerAll(registry, golden, "EmptyImage", "ImageInvert", "SaveImage", "EmptyLatentImage",
                "ImageScale", "KSamplerSelect", "LoadImage", "PreviewImage", "KSampler");
        return new GraphEngine(ServerConfig.defaults(Path.of("target", "engine-test")), registry);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesRecordedAnswer(String number) throws IOException {
        Path dir = SharedFiles.require("conformance/cases");
        Path file;
        try (Stream<Path> files = Files.list(dir)) {
            file = files.filter(p -> p.getFileName().toString().startsWith(number + "_")).findFirst().orElseThrow();
        }
        JsonNode c = Json.parse(Files.readString(file));
        JsonNode step = null;
        JsonNode history = null;
        for (JsonNode s : c.get("steps")) {
            JsonNode req = s.path("request");
            if (req.path("path").asText().equals("/prompt") && req.path("method").asText().equals("POST")) step = s;
            if (s.has("poll") || req.path("path").asText().startsWith("/history/")) history = s;
        }
        JsonNode body = step.get("request").get("json");
        List<String> targets = null;
        if (body.has("partial_execution_targets")) {
            targets = new ArrayList<>();
            for (JsonNode t : body.get("partial_execution_targets")) targets.add(t.asText());
        }
        GraphEngine engine = engine();
        ValidationOutcome outcome = engine.validate("p", body.get("prompt"), targets);
        JsonNode expected = step.get("expect").get("json");
        boolean unordered = step.path("compare").path("unordered").size() > 0;

        if (step.get("expect").get("status").asInt() == 400) {
            assertThat(outcome.valid()).isFalse();
            if (step.path("compare").path("mode").asText().equals("fields")) {
                assertThat(outcome.error().get("type")).isEqualTo(expected.get("error").get("type"));
                assertThat(outcome.error().get("message")).isEqualTo(expected.get("error").get("message"));
                return;
            }
            assertThat(normalise(outcome.error(), unordered)).isEqualTo(normalise(expected.get("error"), unordered));
        } else {
            assertThat(outcome.valid()).isTrue();
        }
        assertThat(normalise(outcome.nodeErrors(), unordered)).isEqualTo(normalise(expected.get("node_errors"), unordered));
        if (history != null && history.has("expect") && outcome.valid()) {
            JsonNode entry = history.get("expect").get("json").elements().next();
            assertThat(outcome.prompt()).isEqualTo(entry.get("prompt").get(2));
            List<String> outputs = new ArrayList<>();
            entry.get("prompt").get(4).forEach(n -> outputs.add(n.asText()));
            assertThat(outcome.outputs()).containsExactlyInAnyOrderElementsOf(outputs);
            // Run it: the UI outputs and meta must be the recorded history's.
            RecordingListener events = new RecordingListener();
            ExecutionOutcome run = engine.execute("p", outcome.prompt(), Json.object(), outcome.outputs(), events);
            assertThat(run.success()).isTrue();
            assertThat(run.outputs()).isEqualTo(entry.get("outputs"));
            assertThat(run.meta()).isEqualTo(entry.get("meta"));
            List<String> recorded = new ArrayList<>();
            entry.get("status").get("messages").forEach(m -> recorded.add(m.get(0).asText()));
            assertThat(events.types().stream().filter(t -> t.startsWith("execution_")).toList()).isEqualTo(recorded);
        }
    }

    /** Drops tracebacks (Python stack lines) and, if asked, sorts error lists. */
    private static JsonNode normalise(JsonNode node, boolean sortErrors) {
        JsonNode copy = node.deepCopy();
        strip(copy, sortErrors);
        return copy;
    }

    private static void strip(JsonNode node, boolean sortErrors) {
        if (node instanceof ObjectNode o) {
            o.remove("traceback");
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                strip(e.getValue(), sortErrors);
                if (sortErrors && e.getKey().equals("errors") && e.getValue() instanceof ArrayNode a) {
                    List<JsonNode> items = new ArrayList<>();
                    a.forEach(items::add);
                    items.sort(Comparator.comparing(Json::write));
                    a.removeAll();
                    items.forEach(a::add);
                }
            }
        } else if (node instanceof ArrayNode a) {
            a.forEach(n -> strip(n, sortErrors));
        }
    }
}
