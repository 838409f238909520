package dev.comfy4j.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.engine.Engine;
import dev.comfy4j.engine.ExecutionListener;
import dev.comfy4j.engine.ExecutionOutcome;
import dev.comfy4j.engine.ValidationOutcome;
import dev.comfy4j.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An engine for testing the job and server layers on their own: it runs nodes in key order and
 * knows three classes. {@code Out} is an output node whose UI output is {@code {"text": [id]}};
 * {@code Gate} waits until the test {@link #release releases} it (or an interrupt); {@code Fail}
 * raises; {@code Crash} throws an Error out of the engine itself, {@code Sneaky} a checked exception; {@code Preview} reports one progress tick with a preview image (bytes 1, 2, 3), then
 * the progress text "hello". The real engine has its own tests.
 */
public final class ScriptedEngine implements Engine {
    private final Semaphore gate = new Semaphore(0);
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private final AtomicInteger clears = new AtomicInteger();
    private final List<String> executed = new ArrayList<>();

    public void release(int permits) {
        gate.release(permits);
    }

    public int cacheClears() {
        return clears.get();
    }

    public synchronized List<String> executedPrompts() {
        return List.copyOf(executed);
    }

    @Override
    public ValidationOutcome validate(String promptId, JsonNode prompt, List<String> targets) {
        List<String> outputs = new ArrayList<>();
        prompt.properties().forEach(e -> {
            if (e.getValue().path("class_type").asText().equals("Out")
                    && (targets == null || targets.contains(e.getKey()))) outputs.add(e.getKey());
        });
        if (outputs.isEmpty()) {
            ObjectNode error = Json.object();
            error.put("type", "prompt_no_outputs");
            error.put("message", "Prompt has no outputs");
            error.put("details", "");
            error.putObject("extra_info");
            return new ValidationOutcome(error, Json.object(), List.of(), null);
        }
        return new ValidationOutcome(null, Json.object(), outputs, (ObjectNode) prompt.deepCopy());
    }

    @Override
    public ExecutionOutcome execute(String promptId, ObjectNode prompt, ObjectNode extraData, List<String> outputs,
                                    ExecutionListener listener) {
        interrupted.set(false);
        synchronized (this) {
            executed.add(promptId);
        }
        listener.event("execution_start", stamped(promptId));
        ObjectNode cached = Json.object();
        cached.putArray("nodes");
        cached.put("prompt_id", promptId);
        cached.put("timestamp", System.currentTimeMillis());
        listener.event("execution_cached", cached);
        ObjectNode ui = Json.object();
        ObjectNode meta = Json.object();
        for (var node : (Iterable<java.util.Map.Entry<String, JsonNode>>) prompt.properties()::iterator) {
            String id = node.getKey();
            String type = node.getValue().path("class_type").asText();
            ObjectNode executing = Json.object();
            executing.put("node", id);
            executing.put("display_node", id);
            executing.put("prompt_id", promptId);
            listener.event("executing", executing);
            if (type.equals("Gate") && !passGate()) {
                ObjectNode data = stampedWithNode(promptId, id, type);
                listener.event("execution_interrupted", data);
                return new ExecutionOutcome(false, ui, meta);
            }
            if (type.equals("Preview")) {
                ObjectNode metadata = Json.object();
                metadata.put("node_id", id);
                metadata.put("prompt_id", promptId);
                metadata.put("display_node_id", id);
                metadata.putNull("parent_node_id");
                metadata.put("real_node_id", id);
                metadata.put("image_type", "image/jpeg");
                ObjectNode tick = Json.object();
                tick.put("value", 1);
                tick.put("max", 1);
                tick.put("prompt_id", promptId);
                tick.put("node", id);
                listener.event("progress_state", tick); // (payload simplified: only its place matters here)
                listener.previewImage("image/jpeg", new byte[] {1, 2, 3}, metadata);
                listener.event("progress", tick);
                listener.progressText(id, "hello");
            }
            if (type.equals("Crash")) throw new OutOfMemoryError("scripted crash outside any node");
            if (type.equals("Sneaky")) throw ScriptedEngine.<RuntimeException>sneaky(new java.io.IOException("scripted checked exception"));
            if (type.equals("Fail")) {
                ObjectNode data = stampedWithNode(promptId, id, type);
                data.put("exception_message", "scripted failure\n");
                data.put("exception_type", "RuntimeError");
                listener.event("execution_error", data);
                return new ExecutionOutcome(false, ui, meta);
            }
            if (type.equals("Out")) {
                ObjectNode output = Json.object();
                output.putArray("text").add(id);
                ObjectNode executed = Json.object();
                executed.put("node", id);
                executed.put("display_node", id);
                executed.set("output", output);
                executed.put("prompt_id", promptId);
                listener.event("executed", executed);
                ui.set(id, output);
                ObjectNode m = meta.putObject(id);
                m.put("node_id", id);
                m.put("display_node", id);
                m.putNull("parent_node");
                m.put("real_node_id", id);
            }
        }
        listener.event("execution_success", stamped(promptId));
        return new ExecutionOutcome(true, ui, meta);
    }

    /** Throws a checked exception past the compiler, as code reached through reflection or native calls may. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }

    private boolean passGate() {
        try {
            while (!interrupted.get()) {
                if (gate.tryAcquire(20, TimeUnit.MILLISECONDS)) return true;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static ObjectNode stamped(String promptId) {
        ObjectNode data = Json.object();
        data.put("prompt_id", promptId);
        data.put("timestamp", System.currentTimeMillis());
        return data;
    }

    private static ObjectNode stampedWithNode(String promptId, String node, String type) {
        ObjectNode data = Json.object();
        data.put("prompt_id", promptId);
        data.put("node_id", node);
        data.put("node_type", type);
        data.putArray("executed");
        data.put("timestamp", System.currentTimeMillis());
        return data;
    }

    @Override
    public void interrupt() {
        interrupted.set(true);
    }

    @Override
    public void clearCaches() {
        clears.incrementAndGet();
    }

    @Override
    public void unloadModels() {}

    @Override
    public ObjectNode objectInfo() {
        return Json.object();
    }

    @Override
    public ObjectNode objectInfo(String className) {
        return Json.object();
    }
}
