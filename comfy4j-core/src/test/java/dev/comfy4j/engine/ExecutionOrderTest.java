package dev.comfy4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The worked example of execution spec §7.2: the default text-to-image graph, with test nodes in
 * place of the model nodes. The order depends on the key order of KSampler's inputs.
 */
class ExecutionOrderTest {
    /** 3 = KSampler (a = latent_image, b = model, c = negative, d = positive), 8 = VAEDecode, 9 = SaveImage. */
    private static String graph(String samplerInputs) {
        return "{'3': {'class_type': 'TestPass', 'inputs': {" + samplerInputs + "}},"
                + "'4': {'class_type': 'TestPass', 'inputs': {'b': 'checkpoint'}},"
                + "'5': {'class_type': 'TestPass', 'inputs': {'b': 'latent'}},"
                + "'6': {'class_type': 'TestPass', 'inputs': {'a': ['4', 0], 'b': 'positive'}},"
                + "'7': {'class_type': 'TestPass', 'inputs': {'a': ['4', 0], 'b': 'negative'}},"
                + "'8': {'class_type': 'TestPass', 'inputs': {'a': ['3', 0], 'b': ['4', 0]}},"
                + "'9': {'class_type': 'TestOutput', 'inputs': {'a': ['8', 0]}}}";
    }

    @Test
    void alphabeticalInputsRunInComfyUIsOrder() {
        Prompts p = new Prompts();
        var run = p.run(graph("'a': ['5', 0], 'b': ['4', 0], 'c': ['7', 0], 'd': ['6', 0]"));
        assertThat(run.order()).containsExactly("4", "6", "7", "5", "3", "8", "9");
    }

    @Test
    void declarationOrderedInputsRunInTheOtherOrder() {
        Prompts p = new Prompts();
        var run = p.run(graph("'b': ['4', 0], 'd': ['6', 0], 'c': ['7', 0], 'a': ['5', 0]"));
        assertThat(run.order()).containsExactly("4", "5", "7", "6", "3", "8", "9");
    }

    @Test
    void structurallyIdenticalNodesShareOneResult() {
        Prompts p = new Prompts();
        var run = p.run("{'1': {'class_type': 'TestPass', 'inputs': {'a': 'same'}},"
                + "'2': {'class_type': 'TestPass', 'inputs': {'a': 'same'}},"
                + "'3': {'class_type': 'TestOutput', 'inputs': {'a': ['1', 0], 'b': ['2', 0]}}}");
        // The DFS pends 3, 2, 1 (LIFO), so 2 runs first; 1 has 2's signature and is then a cache hit
        // when staged (no executing event), like ComfyUI.
        assertThat(run.order()).containsExactly("2", "3");
        assertThat(run.events().ofType("executed").get(0))
                .isEqualTo(Prompts.json("{'node': '1', 'display_node': '1', 'output': null, 'prompt_id': 'p'}"));
        assertThat(p.calls("TestPass")).isEqualTo(1);
    }

    @Test
    void outputsRunAsSoonAsTheyAreReady() {
        Prompts p = new Prompts();
        var run = p.run("{'1': {'class_type': 'TestPass', 'inputs': {'a': 1}},"
                + "'2': {'class_type': 'TestPass', 'inputs': {'a': ['1', 0]}},"
                + "'3': {'class_type': 'TestOutput', 'inputs': {'a': ['1', 0]}},"
                + "'4': {'class_type': 'TestOutput', 'inputs': {'a': ['2', 0]}}}");
        // 1 first; then output 3 is ready and preferred over 2.
        assertThat(run.order()).containsExactly("1", "3", "2", "4");
    }
}
