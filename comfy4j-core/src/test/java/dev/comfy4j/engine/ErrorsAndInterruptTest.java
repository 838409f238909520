package dev.comfy4j.engine;

import static dev.comfy4j.engine.Prompts.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import org.junit.jupiter.api.Test;

/** execution_error, runtime cycles and interrupts (execution spec §13). */
class ErrorsAndInterruptTest {
    private final Prompts p = new Prompts();

    @Test
    void nodeExceptionBecomesExecutionErrorAndTheEngineCarriesOn() {
        Prompts.Run run = p.run("{'1': {'class_type': 'PrimitiveString', 'inputs': {'value': 'v'}},"
                + "'2': {'class_type': 'TestFail', 'inputs': {'a': ['1', 0]}},"
                + "'3': {'class_type': 'TestOutput', 'inputs': {'a': ['2', 0]}}}");
        assertThat(run.outcome().success()).isFalse();
        assertThat(run.events().types()).endsWith("execution_error").doesNotContain("execution_success");
        ObjectNode e = run.events().last("execution_error");
        assertThat((Object) Json.MAPPER.valueToTree(iterate(e.fieldNames()))).isEqualTo(Prompts.value(
                "['prompt_id', 'node_id', 'node_type', 'executed', 'exception_message', 'exception_type', 'traceback',"
                        + " 'current_inputs', 'current_outputs', 'timestamp']"));
        assertThat(e.get("node_id").asText()).isEqualTo("2");
        assertThat(e.get("node_type").asText()).isEqualTo("TestFail");
        assertThat(e.get("executed")).isEqualTo(Prompts.value("['1']"));
        assertThat(e.get("exception_message").asText()).isEqualTo("boom v\n");
        assertThat(e.get("exception_type").asText()).isEqualTo("ValueError");
        assertThat(e.get("current_inputs")).isEqualTo(json("{'a': ['v']}"));
        assertThat(e.get("current_outputs")).isEqualTo(Prompts.value("['1', '2', '3']"));
        assertThat(e.get("traceback").get(0).asText()).startsWith("  File \"");

        Prompts.Run next = p.run("{'1': {'class_type': 'PreviewAny', 'inputs': {'source': 'ok'}}}");
        assertThat(next.outcome().success()).isTrue();
    }

    @Test
    void runtimeDependencyCycle() {
        // Undeclared inputs are not validated, so this cycle is only found when nothing is ready.
        Prompts.Run run = p.run("{'1': {'class_type': 'TestPass', 'inputs': {'z': ['2', 0]}},"
                + "'2': {'class_type': 'TestPass', 'inputs': {'z': ['1', 0]}},"
                + "'3': {'class_type': 'TestOutput', 'inputs': {'a': ['1', 0]}}}");
        assertThat(run.outcome().success()).isFalse();
        ObjectNode e = run.events().last("execution_error");
        assertThat(e.get("node_id").asText()).isEqualTo("3");
        assertThat(e.get("exception_type").asText()).isEqualTo("graph.DependencyCycleError");
        assertThat(e.get("exception_message").asText()).isEqualTo("Dependency cycle detected");
        assertThat(e.get("current_inputs")).isEqualTo(Prompts.value("[]"));
        assertThat(run.order()).isEmpty();
    }

    @Test
    void undeclaredLinkToAMissingNodeFailsThePromptNotTheEngine() {
        Prompts.Run run = p.run("{'1': {'class_type': 'TestOutput', 'inputs': {'zz': ['ghost', 0]}}}");
        assertThat(run.outcome().success()).isFalse();
        ObjectNode e = run.events().last("execution_error");
        assertThat(e.get("node_id").asText()).isEqualTo("1");
        assertThat(e.get("exception_type").asText()).isEqualTo("comfy_execution.graph.NodeNotFoundError");
        assertThat(e.get("exception_message").asText()).isEqualTo("Node ghost not found\n");
        assertThat(p.run("{'1': {'class_type': 'PreviewAny', 'inputs': {'source': 1}}}").outcome().success()).isTrue();
    }

    @Test
    void interruptDuringProgressStopsThePromptAndTheNextRunsNormally() {
        ValidationOutcome v = p.validate("{'1': {'class_type': 'TestProgress', 'inputs': {'steps': 5}},"
                + "'2': {'class_type': 'TestOutput', 'inputs': {'a': ['1', 0]}}}");
        RecordingListener listener = new RecordingListener() {
            @Override
            public void event(String type, ObjectNode data) {
                super.event(type, data);
                if (type.equals("progress")) p.engine.interrupt();
            }
        };
        ExecutionOutcome outcome = p.engine.execute("p", v.prompt(), null, v.outputs(), listener);
        assertThat(outcome.success()).isFalse();
        assertThat(listener.ofType("progress")).hasSize(1);
        ObjectNode i = listener.last("execution_interrupted");
        assertThat(i.get("node_id").asText()).isEqualTo("1");
        assertThat(i.get("node_type").asText()).isEqualTo("TestProgress");
        assertThat(i.get("executed")).isEmpty();
        assertThat(i.has("timestamp")).isTrue();
        assertThat(listener.types()).doesNotContain("execution_error", "execution_success");

        Prompts.Run next = p.run("{'1': {'class_type': 'TestProgress', 'inputs': {'steps': 2}},"
                + "'2': {'class_type': 'TestOutput', 'inputs': {'a': ['1', 0]}}}");
        assertThat(next.outcome().success()).isTrue();
    }

    @Test
    void interruptWhileIdleIsForgotten() {
        p.engine.interrupt();
        Prompts.Run run = p.run("{'1': {'class_type': 'PreviewAny', 'inputs': {'source': 'x'}}}");
        assertThat(run.outcome().success()).isTrue();
    }

    @Test
    void interruptIsCheckedBeforeEachNode() {
        ValidationOutcome v = p.validate("{'1': {'class_type': 'PrimitiveInt', 'inputs': {'value': 1}},"
                + "'2': {'class_type': 'PreviewAny', 'inputs': {'source': ['1', 0]}}}");
        RecordingListener listener = new RecordingListener() {
            @Override
            public void event(String type, ObjectNode data) {
                super.event(type, data);
                if (type.equals("executed") || (type.equals("executing") && data.get("node").asText().equals("1"))) {
                    p.engine.interrupt();
                }
            }
        };
        ExecutionOutcome outcome = p.engine.execute("p", v.prompt(), null, v.outputs(), listener);
        assertThat(outcome.success()).isFalse();
        assertThat(listener.last("execution_interrupted").get("node_id").asText()).isEqualTo("1");
    }

    private static java.util.List<String> iterate(java.util.Iterator<String> it) {
        java.util.List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
