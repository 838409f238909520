package dev.comfy4j.production;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.support.Prompts;
import dev.comfy4j.support.ScriptedEngine;
import dev.comfy4j.support.TestServer;
import dev.comfy4j.support.WsClient;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricDataParser;
import org.hawkular.agent.prometheus.types.Counter;
import org.hawkular.agent.prometheus.types.Gauge;
import org.hawkular.agent.prometheus.types.Histogram;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} after a known sequence of prompts, read with an independent parser of the
 * Prometheus text format (Hawkular's), so the test checks the exposition and not our own writer.
 */
class MetricsTest {
    @TempDir Path base;

    @Test
    void metricsCountPromptsNodesStepsAndRequestsAfterAKnownSequence() throws Exception {
        ScriptedEngine engine = new ScriptedEngine();
        try (TestServer server = TestServer.start(TestServer.config(base), c -> engine);
             WsClient ws = server.websocket("watcher")) {
            ws.next(); // the greeting: the socket is registered
            // Two successes (3 Out nodes in all), one with a progress tick, one failure, one interrupt.
            String a = submit(server, Prompts.prompt("Out", "Out"));
            server.waitForHistory(a);
            String b = submit(server, Prompts.prompt("Preview", "Out"));
            server.waitForHistory(b);
            String c = submit(server, Prompts.prompt("Fail", "Out"));
            server.waitForHistory(c);
            String d = submit(server, Prompts.prompt("Gate", "Out"));
            server.awaitRunning(d);
            assertThat(gauge(scrape(server), "comfy4j_prompts_running")).isEqualTo(1.0);
            server.post("/interrupt", "");
            server.waitForHistory(d);
            assertThat(server.postJson("/prompt", Prompts.body(Prompts.prompt("Gate"))).statusCode()).isEqualTo(400);

            Map<String, MetricFamily> m = scrape(server);
            assertThat(counter(m, "comfy4j_prompts_finished_total", Map.of("status", "success"))).isEqualTo(2.0);
            assertThat(counter(m, "comfy4j_prompts_finished_total", Map.of("status", "error"))).isEqualTo(1.0);
            assertThat(counter(m, "comfy4j_prompts_finished_total", Map.of("status", "interrupted"))).isEqualTo(1.0);
            assertThat(histogram(m, "comfy4j_prompt_duration_seconds", Map.of()).getSampleCount()).isEqualTo(4);
            // Out ran in prompts a (twice) and b; Fail, Gate and Preview once each.
            assertThat(histogram(m, "comfy4j_node_execution_seconds", Map.of("class_type", "Out")).getSampleCount()).isEqualTo(3);
            assertThat(histogram(m, "comfy4j_node_execution_seconds", Map.of("class_type", "Preview")).getSampleCount()).isEqualTo(1);
            assertThat(histogram(m, "comfy4j_node_execution_seconds", Map.of("class_type", "Fail")).getSampleCount()).isEqualTo(1);
            assertThat(histogram(m, "comfy4j_node_execution_seconds", Map.of("class_type", "Gate")).getSampleCount()).isEqualTo(1);
            assertThat(counter(m, "comfy4j_sampler_steps_total", Map.of())).isEqualTo(1.0);
            assertThat(counter(m, "comfy4j_http_requests_total", Map.of("family", "prompt", "status", "200"))).isEqualTo(4.0);
            assertThat(counter(m, "comfy4j_http_requests_total", Map.of("family", "prompt", "status", "400"))).isEqualTo(1.0);
            assertThat(counter(m, "comfy4j_http_requests_total", Map.of("family", "interrupt", "status", "200"))).isEqualTo(1.0);
            assertThat(gauge(m, "comfy4j_queue_pending")).isEqualTo(0.0);
            assertThat(gauge(m, "comfy4j_prompts_running")).isEqualTo(0.0);
            assertThat(gauge(m, "comfy4j_websocket_clients")).isEqualTo(1.0);
            assertThat(counter(m, "comfy4j_model_loads_total", Map.of())).isEqualTo(0.0);
            assertThat(gauge(m, "comfy4j_resident_memory_bytes")).isGreaterThan(10e6);
            assertThat(m).containsKey("jvm_memory_used_bytes");

            // Labels hold bounded values only: no prompt id anywhere in the exposition.
            String text = server.get("/metrics").body();
            for (String id : List.of(a, b, c, d)) assertThat(text).doesNotContain(id);
        }
    }

    @Test
    void routeFamiliesAreABoundedSet() {
        assertThat(dev.comfy4j.server.metrics.RouteFamilies.of("/api/history/abc")).isEqualTo("history");
        assertThat(dev.comfy4j.server.metrics.RouteFamilies.of("/history")).isEqualTo("history");
        assertThat(dev.comfy4j.server.metrics.RouteFamilies.of("/some/secret-file.png")).isEqualTo("static");
        assertThat(dev.comfy4j.server.metrics.RouteFamilies.of("/")).isEqualTo("static");
        assertThat(dev.comfy4j.server.metrics.RouteFamilies.of("/api")).isEqualTo("static");
    }

    private static String submit(TestServer server, ObjectNode prompt) {
        HttpResponse<String> r = server.postJson("/prompt", Prompts.body(prompt));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestServer.json(r).get("prompt_id").asText();
    }

    static Map<String, MetricFamily> scrape(TestServer server) throws Exception {
        HttpResponse<String> r = server.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        return parse(r.body());
    }

    static Map<String, MetricFamily> parse(String text) throws Exception {
        Map<String, MetricFamily> families = new HashMap<>();
        var parser = new TextPrometheusMetricDataParser(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        for (MetricFamily f = parser.parse(); f != null; f = parser.parse()) families.put(f.getName(), f);
        return families;
    }

    private static Metric metric(Map<String, MetricFamily> m, String family, Map<String, String> labels) {
        assertThat(m).as("metric family %s", family).containsKey(family);
        return m.get(family).getMetrics().stream().filter(x -> x.getLabels().equals(labels)).findFirst()
                .orElseThrow(() -> new AssertionError(family + " has no series " + labels + ": "
                        + m.get(family).getMetrics().stream().map(Metric::getLabels).toList()));
    }

    static double counter(Map<String, MetricFamily> m, String family, Map<String, String> labels) {
        return ((Counter) metric(m, family, labels)).getValue();
    }

    static double gauge(Map<String, MetricFamily> m, String family) {
        return ((Gauge) metric(m, family, Map.of())).getValue();
    }

    private static Histogram histogram(Map<String, MetricFamily> m, String family, Map<String, String> labels) {
        return (Histogram) metric(m, family, labels);
    }
}
