package dev.comfy4j.server.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.engine.ExecutionListener;
import dev.comfy4j.jobs.JobEvents;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Passes job events on unchanged and measures them: prompt duration and outcome, the time of each
 * node (from its {@code executing} to the next node or the end) by class, and sampler steps from
 * {@code progress} ticks.
 */
public final class MeteredJobEvents implements JobEvents {
    private final JobEvents next;
    private final ServerMetrics metrics;
    private final Function<String, JsonNode> promptOf;
    private final Map<String, PromptMeter> running = new ConcurrentHashMap<>();

    /**
     * @param promptOf the prompt (node id to {@code {class_type, inputs}}) of a running prompt id, for
     *     the class of each node; null when unknown
     */
    public MeteredJobEvents(JobEvents next, ServerMetrics metrics, Function<String, JsonNode> promptOf) {
        this.next = next;
        this.metrics = metrics;
        this.promptOf = promptOf;
    }

    @Override
    public void queueChanged() {
        next.queueChanged();
    }

    @Override
    public ExecutionListener promptListener(String promptId, String clientId) {
        PromptMeter meter = new PromptMeter(promptOf.apply(promptId), next.promptListener(promptId, clientId));
        running.put(promptId, meter);
        return meter;
    }

    @Override
    public void promptFinished(String promptId, String clientId) {
        PromptMeter meter = running.remove(promptId);
        if (meter != null) meter.finish();
        next.promptFinished(promptId, clientId);
    }

    /** One prompt's measurements; called from the worker thread only. */
    private final class PromptMeter implements ExecutionListener {
        private final JsonNode prompt;
        private final ExecutionListener next;
        private final long startNanos = System.nanoTime();
        private String status = "error"; // a prompt that ends without a final event failed outside any node
        private String node;
        private long nodeStart;
        private long steps;
        private long lastValue;
        private long firstTick;
        private long lastTick;

        PromptMeter(JsonNode prompt, ExecutionListener next) {
            this.prompt = prompt;
            this.next = next;
        }

        @Override
        public void event(String type, ObjectNode data) {
            switch (type) {
                case "executing" -> {
                    endNode();
                    JsonNode id = data.get("node");
                    if (id != null && id.isTextual()) {
                        node = id.asText();
                        nodeStart = System.nanoTime();
                    }
                }
                case "progress" -> tick(data);
                case "execution_success" -> {
                    endNode();
                    status = "success";
                }
                case "execution_error" -> {
                    endNode();
                    status = "error";
                }
                case "execution_interrupted" -> {
                    endNode();
                    status = "interrupted";
                }
                default -> { }
            }
            next.event(type, data);
        }

        private void tick(ObjectNode data) {
            long value = data.path("value").asLong();
            long now = System.nanoTime();
            if (steps == 0 && lastValue == 0) firstTick = now;
            if (value > lastValue) steps += value - lastValue;
            else if (value < lastValue) steps += value; // a new sampling pass in the same node
            lastValue = value;
            lastTick = now;
        }

        private void endNode() {
            if (node == null) return;
            long now = System.nanoTime();
            metrics.nodeExecuted(classOf(node), (now - nodeStart) / 1e9);
            // n ticks span n - 1 steps of measured time; the first step's start is not observable
            double seconds = (lastTick - firstTick) / 1e9;
            metrics.samplerSteps(steps, steps > 1 && seconds > 0 ? (steps - 1) / seconds : 0);
            node = null;
            steps = 0;
            lastValue = 0;
        }

        private String classOf(String id) {
            JsonNode type = prompt == null ? null : prompt.path(id).get("class_type");
            return type != null && type.isTextual() ? type.asText() : "unknown";
        }

        void finish() {
            endNode();
            metrics.promptFinished(status, (System.nanoTime() - startNanos) / 1e9);
        }

        @Override
        public void executionBlocked(ObjectNode data) {
            next.executionBlocked(data);
        }

        @Override
        public void previewImage(String imageType, byte[] encoded, ObjectNode metadata) {
            next.previewImage(imageType, encoded, metadata);
        }

        @Override
        public void progressText(String nodeId, String text) {
            next.progressText(nodeId, text);
        }
    }
}
