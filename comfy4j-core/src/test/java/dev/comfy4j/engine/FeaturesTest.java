package dev.comfy4j.engine;

import static dev.comfy4j.engine.Prompts.json;
import static dev.comfy4j.engine.Prompts.value;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Lazy inputs, list mapping, node expansion and execution blockers (execution spec §8-10, §13.4). */
class FeaturesTest {
    private final Prompts p = new Prompts();

    @Test
    void lazyInputsEvaluateOnlyTheBranchAskedFor() {
        Prompts.Run run = p.run("{'1': {'class_type': 'PrimitiveString', 'inputs': {'value': 'yes'}},"
                + "'2': {'class_type': 'TestFail', 'inputs': {'a': 'never'}},"
                + "'3': {'class_type': 'TestLazySwitch', 'inputs': {'switch': true, 'on_true': ['1', 0], 'on_false': ['2', 0]}},"
                + "'4': {'class_type': 'TestOutput', 'inputs': {'a': ['3', 0]}}}");
        assertThat(run.outcome().success()).isTrue();
        // 3 is staged, asks for on_true, waits for 1, then runs (a second executing event, as in ComfyUI).
        assertThat(run.order()).containsExactly("3", "1", "3", "4");
        assertThat(p.calls("TestFail")).isZero();
        assertThat(run.outcome().outputs().get("4")).isEqualTo(json("{'value': ['yes']}"));
    }

    @Test
    void outputListsMapDownstreamCallsAndInputListsReceiveThemWhole() {
        Prompts.Run run = p.run("{'1': {'class_type': 'TestMakeList', 'inputs': {'count': 3}},"
                + "'2': {'class_type': 'PreviewAny', 'inputs': {'source': ['1', 0]}},"
                + "'3': {'class_type': 'TestSumList', 'inputs': {'values': ['1', 0]}},"
                + "'4': {'class_type': 'PreviewAny', 'inputs': {'source': ['3', 0]}},"
                + "'5': {'class_type': 'StringConcatenate', 'inputs': {'string_a': ['6', 0], 'string_b': 'x', 'delimiter': '-'}},"
                + "'6': {'class_type': 'PreviewAny', 'inputs': {'source': ['1', 0]}},"
                + "'7': {'class_type': 'PreviewAny', 'inputs': {'source': ['8', 0]}},"
                + "'8': {'class_type': 'TestMakeList', 'inputs': {'count': 0}}}");
        assertThat(run.outcome().outputs().get("2")).isEqualTo(json("{'text': ['0', '1', '2']}"));
        assertThat(run.text("4")).isEqualTo("3");
        // An empty list: the node is called once without arguments (PreviewAny's source=None).
        assertThat(run.outcome().outputs().get("7")).isEqualTo(json("{'text': ['None']}"));
    }

    @Test
    void shorterListsRepeatTheirLastElement() {
        Prompts.Run run = p.run("{'1': {'class_type': 'TestMakeList', 'inputs': {'count': 3}},"
                + "'2': {'class_type': 'TestMakeList', 'inputs': {'count': 2}},"
                + "'3': {'class_type': 'TestOutput', 'inputs': {'a': ['1', 0], 'b': ['2', 0]}}}");
        assertThat(run.outcome().outputs().get("3")).isEqualTo(json("{'value': ['0', '1', '2']}"));
        assertThat(p.calls("TestOutput")).isEqualTo(3);
    }

    @Test
    void expansionAddsEphemeralNodesWithComfyUIsIds() {
        Prompts.Run run = p.run("{'1': {'class_type': 'TestExpand', 'inputs': {'value': 'hi'}},"
                + "'2': {'class_type': 'PreviewAny', 'inputs': {'source': ['1', 0]}}}");
        assertThat(run.outcome().success()).isTrue();
        assertThat(run.order()).containsExactly("1", "1.0.0.1", "1.0.0.2", "1.0.0.3", "2");
        assertThat(run.text("2")).isEqualTo("hi!");
        assertThat(run.outcome().meta().get("1.0.0.3")).isEqualTo(json(
                "{'node_id': '1.0.0.3', 'display_node': '1', 'parent_node': '1', 'real_node_id': '1'}"));
        assertThat(run.events().ofType("executing").get(1))
                .isEqualTo(json("{'node': '1.0.0.1', 'display_node': '1', 'prompt_id': 'p'}"));
        var state = run.events().last("progress_state").get("nodes").get("1.0.0.2");
        assertThat(state.get("parent_node_id").asText()).isEqualTo("1");
        assertThat(state.get("display_node_id").asText()).isEqualTo("1");
    }

    @Test
    void blockerWithMessageReportsEachBlockedNodeAndTheRunStillSucceeds() {
        Prompts.Run run = p.run("{'1': {'class_type': 'TestBlock', 'inputs': {'message': 'stop'}},"
                + "'2': {'class_type': 'TestPass', 'inputs': {'a': ['1', 0]}},"
                + "'3': {'class_type': 'TestOutput', 'inputs': {'a': ['2', 0]}}}");
        assertThat(run.outcome().success()).isTrue();
        assertThat(p.calls("TestPass")).isZero();
        assertThat(p.calls("TestOutput")).isZero();
        var errors = run.events().ofType("execution_error");
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).isEqualTo(json("{'prompt_id': 'p', 'node_id': '2', 'node_type': 'TestPass', "
                + "'executed': ['1'], 'exception_message': 'Execution Blocked: stop', 'exception_type': 'ExecutionBlocked', "
                + "'traceback': [], 'current_inputs': [], 'current_outputs': []}"));
        assertThat(run.outcome().outputs()).isEmpty();
        assertThat(run.events().types()).endsWith("execution_success");
    }

    @Test
    void rawLinkAndUndeclaredInputs() {
        // Undeclared linked inputs are executed but not validated; undeclared literals are dropped.
        Prompts.Run run = p.run("{'1': {'class_type': 'PrimitiveInt', 'inputs': {'value': 1}},"
                + "'2': {'class_type': 'TestOutput', 'inputs': {'a': 'x', 'zz': ['1', 0], 'yy': 5}}}");
        assertThat(run.order()).containsExactly("1", "2");
        assertThat(value("['x']")).isEqualTo(run.outcome().outputs().get("2").get("value"));
    }
}
