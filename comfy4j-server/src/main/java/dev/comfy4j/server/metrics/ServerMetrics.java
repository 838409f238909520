package dev.comfy4j.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.DoubleSupplier;

/**
 * The server's Prometheus metrics, in a registry of its own (no global one: tests run several
 * servers in one JVM). Labels have bounded values only (route families, statuses, node classes);
 * never a prompt id, a user name or a token.
 */
public final class ServerMetrics {
    private static final double[] PROMPT_SECONDS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800};
    private static final double[] NODE_SECONDS = {0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};
    private static final double[] HTTP_SECONDS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter promptsFinished;
    private final Histogram promptDuration;
    private final Histogram nodeDuration;
    private final Counter samplerSteps;
    private final Gauge samplerStepsPerSecond;
    private final Counter httpRequests;
    private final Histogram httpDuration;

    /** Where the callback gauges read their values. */
    public record Sources(DoubleSupplier queuePending, DoubleSupplier promptsRunning, DoubleSupplier webSocketClients,
                          DoubleSupplier modelLoads, DoubleSupplier modelUnloads, DoubleSupplier modelBytes,
                          MemorySampler memory) {}

    public ServerMetrics(Sources sources) {
        JvmMetrics.builder().register(registry);
        gauge("comfy4j_queue_pending", "Prompts waiting in the queue.", sources.queuePending());
        gauge("comfy4j_prompts_running", "Prompts being executed (0 or 1).", sources.promptsRunning());
        gauge("comfy4j_websocket_clients", "Connected WebSocket clients.", sources.webSocketClients());
        gauge("comfy4j_models_loaded_bytes", "Bytes of the models held in memory.", sources.modelBytes());
        CounterWithCallback.builder().name("comfy4j_model_loads").help("Models loaded since start.")
                .callback(cb -> cb.call(sources.modelLoads().getAsDouble())).register(registry);
        CounterWithCallback.builder().name("comfy4j_model_unloads").help("Models unloaded since start.")
                .callback(cb -> cb.call(sources.modelUnloads().getAsDouble())).register(registry);
        MemorySampler memory = sources.memory();
        gauge("comfy4j_resident_memory_bytes", "Resident set size of the process.", memory::residentBytes);
        gauge("comfy4j_native_memory_bytes",
                "Resident memory outside the JVM's heap and non-heap pools (libtorch tensors, mapped weights): an estimate.",
                memory::nativeBytes);
        GaugeWithCallback.builder().name("comfy4j_gpu_memory_bytes").help("GPU memory of the compute device.")
                .labelNames("kind")
                .callback(cb -> {
                    if (!memory.hasGpu()) return;
                    cb.call(memory.gpuTotalBytes(), "total");
                    cb.call(memory.gpuFreeBytes(), "free");
                }).register(registry);
        promptsFinished = Counter.builder().name("comfy4j_prompts_finished")
                .help("Prompts finished, by status (success, error, interrupted).").labelNames("status").register(registry);
        promptDuration = Histogram.builder().name("comfy4j_prompt_duration_seconds")
                .help("Time from the start of a prompt's execution to its end.")
                .classicOnly().classicUpperBounds(PROMPT_SECONDS).register(registry);
        nodeDuration = Histogram.builder().name("comfy4j_node_execution_seconds")
                .help("Execution time of one node, by node class.").labelNames("class_type")
                .classicOnly().classicUpperBounds(NODE_SECONDS).register(registry);
        samplerSteps = Counter.builder().name("comfy4j_sampler_steps")
                .help("Sampler steps done (progress ticks of sampling nodes); rate() gives steps per second.")
                .register(registry);
        samplerStepsPerSecond = Gauge.builder().name("comfy4j_sampler_steps_per_second")
                .help("Steps per second of the most recent sampling node.").register(registry);
        httpRequests = Counter.builder().name("comfy4j_http_requests")
                .help("HTTP requests, by route family and status.").labelNames("family", "status").register(registry);
        httpDuration = Histogram.builder().name("comfy4j_http_request_duration_seconds")
                .help("Time to answer an HTTP request, by route family.").labelNames("family")
                .classicOnly().classicUpperBounds(HTTP_SECONDS).register(registry);
    }

    private void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    /** @param status success, error or interrupted */
    public void promptFinished(String status, double seconds) {
        promptsFinished.labelValues(status).inc();
        promptDuration.observe(seconds);
    }

    public void nodeExecuted(String classType, double seconds) {
        nodeDuration.labelValues(classType).observe(seconds);
    }

    /** Steps of one sampling node, when it finished or moved on; a rate of 0 is not measured. */
    public void samplerSteps(long steps, double stepsPerSecond) {
        if (steps <= 0) return;
        samplerSteps.inc(steps);
        if (stepsPerSecond > 0) samplerStepsPerSecond.set(stepsPerSecond);
    }

    public void httpRequest(String family, int status, double seconds) {
        httpRequests.labelValues(family, Integer.toString(status)).inc();
        httpDuration.labelValues(family).observe(seconds);
    }

    /** Everything in Prometheus' text format 0.0.4. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public String contentType() {
        return writer.getContentType();
    }
}
