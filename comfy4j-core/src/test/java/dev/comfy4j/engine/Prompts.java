package dev.comfy4j.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.CacheMode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.json.Json;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Test helpers: an engine over the test nodes, JSON with single quotes, validate-then-run. */
final class Prompts {
    final Map<String, AtomicInteger> calls = new HashMap<>();
    final GraphEngine engine;

    Prompts() {
        this(new CacheMode.Classic());
    }

    Prompts(CacheMode mode) {
        ServerConfig config = ServerConfig.defaults(Path.of("target", "engine-test")).withCacheMode(mode);
        engine = new GraphEngine(config, TestNodes.registry(calls));
    }

    /** JSON written with single quotes for readability. */
    static ObjectNode json(String text) {
        try {
            return (ObjectNode) Json.parse(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static JsonNode value(String text) {
        try {
            return Json.parse(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    ValidationOutcome validate(String prompt) {
        return engine.validate("p", json(prompt), null);
    }

    /** Validates (must pass) and executes; returns the events. */
    Run run(String prompt) {
        ValidationOutcome v = validate(prompt);
        if (!v.valid()) throw new AssertionError("invalid: " + v.error() + " " + v.nodeErrors());
        RecordingListener listener = new RecordingListener();
        ExecutionOutcome outcome = engine.execute("p", v.prompt(), Json.object(), v.outputs(), listener);
        return new Run(outcome, listener);
    }

    int calls(String className) {
        return calls.getOrDefault(className, new AtomicInteger()).get();
    }

    record Run(ExecutionOutcome outcome, RecordingListener events) {
        List<String> order() {
            return events.executingOrder();
        }

        String text(String nodeId) {
            return outcome.outputs().get(nodeId).get("text").get(0).asText();
        }
    }
}
