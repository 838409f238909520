package dev.comfy4j.engine;

import static dev.comfy4j.engine.Prompts.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Event order and payloads as recorded from ComfyUI (conformance 9500, 9501, api-spec §12.7). */
class EventSequenceTest {
    private static final String PROMPT = "{'1': {'class_type': 'PrimitiveInt', 'inputs': {'value': 5}},"
            + "'2': {'class_type': 'PreviewAny', 'inputs': {'source': ['1', 0]}}}";

    private static ObjectNode state(String id, String value, String max, String state) {
        return json("{'value': " + value + ", 'max': " + max + ", 'state': '" + state + "', 'node_id': '" + id
                + "', 'prompt_id': 'p', 'display_node_id': '" + id + "', 'parent_node_id': null, 'real_node_id': '" + id + "'}");
    }

    @Test
    void freshRun() {
        Prompts p = new Prompts();
        Prompts.Run run = p.run(PROMPT);
        List<RecordingListener.Event> ev = run.events().events;
        assertThat(run.events().types()).containsExactly("execution_start", "execution_cached", "progress_state",
                "executing", "progress_state", "progress_state", "executing", "executed", "progress_state",
                "execution_success");
        assertThat(ev.get(0).data().get("prompt_id").asText()).isEqualTo("p");
        assertThat(ev.get(0).data().get("timestamp").isIntegralNumber()).isTrue();
        assertThat(ev.get(1).data().get("nodes")).isEmpty();
        assertThat(ev.get(2).data()).isEqualTo(json("{'prompt_id': 'p', 'nodes': {}}")
                .set("nodes", json("{}").set("1", state("1", "0.0", "1.0", "running"))));
        assertThat(ev.get(3).data()).isEqualTo(json("{'node': '1', 'display_node': '1', 'prompt_id': 'p'}"));
        assertThat(ev.get(4).data().get("nodes").get("1")).isEqualTo(state("1", "1.0", "1.0", "finished"));
        assertThat(ev.get(5).data().get("nodes").get("2")).isEqualTo(state("2", "0.0", "1.0", "running"));
        assertThat(ev.get(7).data()).isEqualTo(json("{'node': '2', 'display_node': '2', 'output': {'text': ['5']}, 'prompt_id': 'p'}"));
        assertThat(run.outcome().success()).isTrue();
        assertThat(run.outcome().outputs()).isEqualTo(json("{'2': {'text': ['5']}}"));
        assertThat(run.outcome().meta()).isEqualTo(json(
                "{'2': {'node_id': '2', 'display_node': '2', 'parent_node': null, 'real_node_id': '2'}}"));
    }

    @Test
    void identicalRerunExecutesNothingAndReplaysTheOutput() {
        Prompts p = new Prompts();
        p.run(PROMPT);
        Prompts.Run again = p.run(PROMPT);
        assertThat(again.events().types()).containsExactly("execution_start", "execution_cached", "executed",
                "progress_state", "execution_success");
        assertThat(again.events().ofType("execution_cached").get(0).get("nodes")).isEqualTo(Prompts.value("['1', '2']"));
        assertThat(again.events().ofType("executed").get(0))
                .isEqualTo(json("{'node': '2', 'display_node': '2', 'output': {'text': ['5']}, 'prompt_id': 'p'}"));
        // A cached node was never started: its finish copies the int max 1 (as recorded in 9501).
        assertThat(again.events().last("progress_state").get("nodes"))
                .isEqualTo(json("{}").set("2", state("2", "1", "1", "finished")));
        assertThat(again.outcome().outputs()).isEqualTo(json("{'2': {'text': ['5']}}"));
    }

    @Test
    void progressTicksKeepTheNodesNumbers() {
        Prompts p = new Prompts();
        Prompts.Run run = p.run("{'1': {'class_type': 'TestProgress', 'inputs': {'steps': 2}},"
                + "'2': {'class_type': 'TestOutput', 'inputs': {'a': ['1', 0]}}}");
        List<ObjectNode> progress = run.events().ofType("progress");
        assertThat(progress).containsExactly(json("{'value': 1, 'max': 2, 'prompt_id': 'p', 'node': '1'}"),
                json("{'value': 2, 'max': 2, 'prompt_id': 'p', 'node': '1'}"));
        List<String> types = run.events().types();
        int firstTick = types.indexOf("progress");
        assertThat(types.get(firstTick - 1)).isEqualTo("progress_state");
        assertThat(run.events().ofType("progress_state").get(1).get("nodes").get("1"))
                .isEqualTo(state("1", "1", "2", "running"));
        assertThat(run.events().texts).containsExactly("1:done");
    }
}
