package dev.comfy4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.CacheMode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.json.Json;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.support.TestServer;
import dev.comfy4j.support.WsClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real engine driven over HTTP and WebSocket, as ComfyUI's tests/execution suite drives
 * ComfyUI: lazy inputs, caching across prompts, errors, interrupts, lists, expansion, blockers and
 * partial execution, observed only through the API a client sees.
 */
class ExecutionOverHttpTest {
    @TempDir Path base;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private TestServer server;
    private WsClient ws;

    private void start(ServerConfig config) {
        server = TestServer.start(config, c -> {
            NodeRegistry registry = TestNodes.registry(calls);
            registry.register(Sleep::new);
            return new GraphEngine(c, registry);
        });
        ws = server.websocket("tester");
        ws.next();
    }

    @AfterEach
    void stop() {
        if (ws != null) ws.close();
        if (server != null) server.close();
    }

    /** Sleeps in 10 ms slices until {@code ms} passed, checking for interrupts between slices. */
    static final class Sleep implements Node {
        @Override
        public NodeSchema schema() {
            return NodeSchema.v1("TestSleep", "tests").input(Input.integer("ms")).output("INT").build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
            long end = System.currentTimeMillis() + in.integer("ms");
            while (System.currentTimeMillis() < end) {
                context.checkInterrupt();
                Thread.sleep(10);
            }
            return NodeResult.of(in.integer("ms"));
        }
    }

    private static ObjectNode node(ObjectNode prompt, String id, String type) {
        ObjectNode n = prompt.putObject(id);
        n.put("class_type", type);
        return n.putObject("inputs");
    }

    private static void link(ObjectNode inputs, String name, String from) {
        inputs.putArray(name).add(from).add(0);
    }

    /** Queues the prompt for our client and returns every message up to the final executing. */
    private List<WsClient.Message> run(ObjectNode prompt) {
        String id = queue(prompt);
        return ws.until(m -> m.type().equals("executing") && m.json().get("data").get("node").isNull()
                && m.json().get("data").get("prompt_id").asText().equals(id));
    }

    /** Messages up to the next final executing message (the end of a prompt). */
    private List<WsClient.Message> untilDone() {
        return ws.until(m -> m.type().equals("executing") && m.json().get("data").get("node").isNull());
    }

    private String queue(ObjectNode prompt) {
        ObjectNode body = Json.object();
        body.set("prompt", prompt);
        body.put("client_id", "tester");
        var answer = server.postJson("/prompt", body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return TestServer.json(answer).get("prompt_id").asText();
    }

    private static List<String> types(List<WsClient.Message> messages) {
        return messages.stream().map(WsClient.Message::type).toList();
    }

    private static JsonNode first(List<WsClient.Message> messages, String type) {
        return messages.stream().filter(m -> m.type().equals(type)).findFirst().orElseThrow().json().get("data");
    }

    private static List<String> executingNodes(List<WsClient.Message> messages) {
        return messages.stream().filter(m -> m.type().equals("executing") && !m.json().get("data").get("node").isNull())
                .map(m -> m.json().get("data").get("node").asText()).toList();
    }

    private int calls(String type) {
        return calls.getOrDefault(type, new AtomicInteger()).get();
    }

    @Test
    void lazyInputsEvaluateOnlyTheBranchTaken() {
        start(TestServer.config(base));
        ObjectNode p = Json.object();
        node(p, "1", "TestPass").put("a", "chosen");
        node(p, "2", "TestFail").put("a", "never");
        ObjectNode sw = node(p, "3", "TestLazySwitch");
        sw.put("switch", true);
        link(sw, "on_true", "1");
        link(sw, "on_false", "2");
        link(node(p, "4", "TestOutput"), "a", "3");
        List<WsClient.Message> seen = run(p);
        assertThat(types(seen)).contains("execution_success").doesNotContain("execution_error");
        assertThat(calls("TestFail")).isZero();
        assertThat(first(seen, "executed").get("output")).isEqualTo(Json.MAPPER.valueToTree(Map.of("value", List.of("chosen"))));
    }

    @Test
    void anIdenticalPromptIsServedFromCacheAndReplaysItsOutput() {
        start(TestServer.config(base));
        ObjectNode p = Json.object();
        node(p, "1", "TestPass").put("a", "x");
        link(node(p, "2", "TestOutput"), "a", "1");
        List<WsClient.Message> first = run(p);
        List<WsClient.Message> again = run(p.deepCopy());
        assertThat(executingNodes(first)).containsExactly("1", "2");
        assertThat(executingNodes(again)).isEmpty();
        assertThat(first(again, "execution_cached").get("nodes")).isEqualTo(Json.MAPPER.valueToTree(List.of("1", "2")));
        assertThat(first(again, "executed").get("output")).isEqualTo(first(first, "executed").get("output"));
        assertThat(calls("TestPass")).isEqualTo(1);

        server.post("/free", "{\"free_memory\": true}");
        List<WsClient.Message> afterFree = run(p.deepCopy());
        assertThat(executingNodes(afterFree)).containsExactly("1", "2");
        assertThat(calls("TestPass")).isEqualTo(2);
    }

    @Test
    void cacheNoneRunsEverythingAgain() {
        start(TestServer.config(base).withCacheMode(new CacheMode.None()));
        ObjectNode p = Json.object();
        node(p, "1", "TestPass").put("a", "x");
        link(node(p, "2", "TestOutput"), "a", "1");
        run(p);
        List<WsClient.Message> again = run(p.deepCopy());
        assertThat(executingNodes(again)).containsExactly("1", "2");
        assertThat(first(again, "execution_cached").get("nodes")).isEmpty();
    }

    @Test
    void aFailingNodeIsReportedAndTheNextPromptRuns() {
        start(TestServer.config(base));
        ObjectNode p = Json.object();
        node(p, "1", "TestFail").put("a", "x");
        link(node(p, "2", "TestOutput"), "a", "1");
        String id = queue(p);
        List<WsClient.Message> seen = untilDone();
        JsonNode error = first(seen, "execution_error");
        assertThat(error.get("prompt_id").asText()).isEqualTo(id);
        assertThat(error.get("node_id").asText()).isEqualTo("1");
        assertThat(error.get("node_type").asText()).isEqualTo("TestFail");
        assertThat(error.get("exception_type").asText()).isEqualTo("ValueError");
        assertThat(error.get("exception_message").asText()).isEqualTo("boom x\n");
        assertThat(error.get("current_inputs").get("a")).isEqualTo(Json.MAPPER.valueToTree(List.of("x")));
        JsonNode entry = server.waitForHistory(id);
        assertThat(entry.get("status").get("status_str").asText()).isEqualTo("error");
        assertThat(entry.get("status").get("messages").get(2).get(0).asText()).isEqualTo("execution_error");

        ObjectNode fine = Json.object();
        node(fine, "1", "TestPass").put("a", "ok");
        link(node(fine, "2", "TestOutput"), "a", "1");
        assertThat(types(run(fine))).contains("execution_success");
    }

    @Test
    void anInterruptStopsTheRunningNodeAndTheQueueGoesOn() throws Exception {
        start(TestServer.config(base));
        ObjectNode slow = Json.object();
        node(slow, "1", "TestSleep").put("ms", 30_000);
        link(node(slow, "2", "TestOutput"), "a", "1");
        String id = queue(slow);
        ws.until(m -> m.type().equals("executing") && "1".equals(m.json().get("data").path("node").asText(null)));
        long t0 = System.currentTimeMillis();
        server.post("/interrupt", "{\"prompt_id\": \"" + id + "\"}");
        List<WsClient.Message> rest = untilDone();
        assertThat(System.currentTimeMillis() - t0).isLessThan(5_000);
        JsonNode interrupted = first(rest, "execution_interrupted");
        assertThat(interrupted.get("node_id").asText()).isEqualTo("1");
        assertThat(interrupted.get("node_type").asText()).isEqualTo("TestSleep");
        assertThat(server.waitForHistory(id).get("status").get("status_str").asText()).isEqualTo("error");

        ObjectNode quick = Json.object();
        node(quick, "1", "TestSleep").put("ms", 1);
        link(node(quick, "2", "TestOutput"), "a", "1");
        assertThat(types(run(quick))).contains("execution_success");
    }

    @Test
    void listOutputsMapOverTheNextNodeAndConcatenateInHistory() {
        start(TestServer.config(base));
        ObjectNode p = Json.object();
        node(p, "1", "TestMakeList").put("count", 3);
        link(node(p, "2", "TestOutput"), "a", "1");
        String id = queue(p);
        untilDone();
        assertThat(server.waitForHistory(id).get("outputs").get("2"))
                .isEqualTo(Json.MAPPER.valueToTree(Map.of("value", List.of("0", "1", "2"))));
    }

    @Test
    void anExpandedSubgraphRunsUnderEphemeralIdsAttributedToItsParent() {
        start(TestServer.config(base));
        ObjectNode p = Json.object();
        node(p, "1", "TestExpand").put("value", "hi");
        link(node(p, "2", "TestOutput"), "a", "1");
        String id = queue(p);
        List<WsClient.Message> seen = untilDone();
        assertThat(executingNodes(seen)).anyMatch(n -> n.startsWith("1."));
        JsonNode entry = server.waitForHistory(id);
        assertThat(entry.get("outputs").get("2")).isEqualTo(Json.MAPPER.valueToTree(Map.of("value", List.of("hi!"))));
        String preview = entry.get("meta").properties().stream().map(Map.Entry::getKey)
                .filter(k -> k.startsWith("1.")).findFirst().orElseThrow();
        JsonNode meta = entry.get("meta").get(preview);
        assertThat(meta.get("parent_node").asText()).isEqualTo("1");
        assertThat(meta.get("display_node").asText()).isEqualTo("1");
        assertThat(meta.get("real_node_id").asText()).isEqualTo("1");
    }

    @Test
    void aBlockedInputIsReportedButNotRecordedAndThePromptSucceeds() {
        start(TestServer.config(base));
        ObjectNode p = Json.object();
        node(p, "1", "TestBlock").put("message", "not today");
        link(node(p, "2", "TestOutput"), "a", "1");
        String id = queue(p);
        List<WsClient.Message> seen = untilDone();
        JsonNode blocked = first(seen, "execution_error");
        assertThat(blocked.get("exception_message").asText()).isEqualTo("Execution Blocked: not today");
        assertThat(blocked.get("exception_type").asText()).isEqualTo("ExecutionBlocked");
        assertThat(blocked.has("timestamp")).isFalse();
        JsonNode status = server.waitForHistory(id).get("status");
        assertThat(status.get("status_str").asText()).isEqualTo("success");
        assertThat(status.get("messages")).extracting(m -> m.get(0).asText())
                .containsExactly("execution_start", "execution_cached", "execution_success");
    }

    @Test
    void partialExecutionTargetsRunOnlyTheListedOutputs() {
        start(TestServer.config(base));
        ObjectNode p = Json.object();
        node(p, "1", "TestPass").put("a", "x");
        link(node(p, "2", "TestOutput"), "a", "1");
        link(node(p, "3", "TestOutput"), "b", "1");
        ObjectNode body = Json.object();
        body.set("prompt", p);
        body.put("client_id", "tester");
        body.putArray("partial_execution_targets").add("3");
        String id = TestServer.json(server.postJson("/prompt", body)).get("prompt_id").asText();
        JsonNode entry = server.waitForHistory(id);
        assertThat(entry.get("prompt").get(4)).isEqualTo(Json.MAPPER.valueToTree(List.of("3")));
        assertThat(entry.get("outputs").has("2")).isFalse();
        assertThat(entry.get("outputs").has("3")).isTrue();
    }

    @Test
    void progressTicksReachTheClientWithTheNodesNumbers() {
        start(TestServer.config(base));
        ObjectNode p = Json.object();
        node(p, "1", "TestProgress").put("steps", 3);
        link(node(p, "2", "TestOutput"), "a", "1");
        List<WsClient.Message> seen = run(p);
        List<JsonNode> progress = seen.stream().filter(m -> m.type().equals("progress")).map(m -> m.json().get("data")).toList();
        assertThat(progress).extracting(d -> d.get("value").asLong()).containsExactly(1L, 2L, 3L);
        assertThat(progress).allSatisfy(d -> {
            assertThat(d.get("max").isIntegralNumber()).isTrue();
            assertThat(d.get("node").asText()).isEqualTo("1");
        });
    }
}
