package dev.comfy4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.CacheMode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.json.Json;
import dev.comfy4j.nodes.HoldsTensors;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeException;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.latent.Latent;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cached node outputs have a deterministic owner: their tensors are closed as soon as the last cache
 * entry holding them goes (--cache-none after their readers ran, a classic cache when a prompt no longer
 * uses them, LRU eviction, /free), with no garbage collection involved ({@link Tensor#isClosed} is set
 * only by an explicit close). A model handle only borrows its weights: dropping it frees nothing.
 */
class OutputReleaseTest {
    @TempDir Path base;
    private final List<Tensor> made = new ArrayList<>();
    /** Stands for model weights: owned by the test (the model manager in the server), never by the caches. */
    private final Tensor weights = Tensor.ones(DType.F32, 4, 4);

    /** What a loader returns: a handle on weights it does not own. */
    record ModelHandle(Tensor weights) {}

    @AfterEach
    void closeWeights() {
        weights.close();
        made.forEach(Tensor::close);
    }

    @Test
    void cacheNoneClosesAnOutputRightAfterItsLastReaderRan() {
        GraphEngine engine = engine(new CacheMode.None());
        run(engine, "{'1': {'class_type': 'MakeTensor', 'inputs': {'v': 1}},"
                + " '2': {'class_type': 'UseValue', 'inputs': {'a': ['1', 0]}},"
                + " '3': {'class_type': 'UseValue', 'inputs': {'a': ['1', 0], 'tag': 3}}}", "2", "3");
        assertThat(made).hasSize(1);
        assertThat(made.getFirst().isClosed()).isTrue();
        assertThat(engine.cachedOutputTensors()).isZero();
    }

    @Test
    void aPassThroughKeepsTheSharedTensorAliveUntilItsOwnEntryGoes() {
        GraphEngine engine = engine(new CacheMode.None());
        // Node 1's entry goes as soon as node 2 ran; its tensor lives on in node 2's entry, which the two
        // readers need (UseValue fails on a closed tensor).
        run(engine, "{'1': {'class_type': 'MakeTensor', 'inputs': {'v': 1}},"
                + " '2': {'class_type': 'PassValue', 'inputs': {'a': ['1', 0]}},"
                + " '3': {'class_type': 'UseValue', 'inputs': {'a': ['2', 0]}},"
                + " '4': {'class_type': 'UseValue', 'inputs': {'a': ['2', 0], 'tag': 4}}}", "3", "4");
        assertThat(made.getFirst().isClosed()).isTrue();
    }

    @Test
    void theClassicCacheClosesOutputsWhenAPromptNoLongerUsesThem() {
        GraphEngine engine = engine(new CacheMode.Classic());
        String first = "{'1': {'class_type': 'MakeTensor', 'inputs': {'v': 1}}, '2': {'class_type': 'UseValue', 'inputs': {'a': ['1', 0]}}}";
        run(engine, first, "2");
        assertThat(made.getFirst().isClosed()).as("cached for the next prompt").isFalse();
        assertThat(engine.cachedOutputTensors()).isEqualTo(1);
        run(engine, first, "2");
        assertThat(made).as("the second run is served from the cache").hasSize(1);
        run(engine, first.replace("'v': 1", "'v': 2"), "2");
        assertThat(made).hasSize(2);
        assertThat(made.get(0).isClosed()).isTrue();
        assertThat(made.get(1).isClosed()).isFalse();
        engine.clearCaches(); // POST /free {"free_memory": true}
        assertThat(made.get(1).isClosed()).isTrue();
        assertThat(engine.cachedOutputTensors()).isZero();
    }

    @Test
    void lruEvictionClosesTheEvictedOutputs() {
        GraphEngine engine = engine(new CacheMode.Lru(2));
        for (int v = 1; v <= 3; v++) {
            run(engine, "{'1': {'class_type': 'MakeTensor', 'inputs': {'v': " + v + "}}, '2': {'class_type': 'UseValue', 'inputs': {'a': ['1', 0]}}}", "2");
        }
        assertThat(made).hasSize(3);
        // Two entries per prompt and room for two: at the start of each prompt the entries of the
        // prompt before last are evicted (ComfyUI evicts whole prompts, oldest first).
        assertThat(made.get(0).isClosed()).isTrue();
        assertThat(made.get(1).isClosed()).isFalse();
        assertThat(made.get(2).isClosed()).isFalse();
        // The evicted graph runs again with a new tensor, and the second prompt's is evicted now.
        run(engine, "{'1': {'class_type': 'MakeTensor', 'inputs': {'v': 1}}, '2': {'class_type': 'UseValue', 'inputs': {'a': ['1', 0]}}}", "2");
        assertThat(made).hasSize(4);
        assertThat(made.get(1).isClosed()).isTrue();
        assertThat(made.get(2).isClosed()).isFalse();
        assertThat(made.get(3).isClosed()).isFalse();
    }

    @Test
    void everyTensorOfALatentIsReleased() {
        GraphEngine engine = engine(new CacheMode.None());
        run(engine, "{'1': {'class_type': 'MakeLatent', 'inputs': {}}, '2': {'class_type': 'UseValue', 'inputs': {'a': ['1', 0]}}}", "2");
        assertThat(made).hasSize(2);
        assertThat(made).allMatch(Tensor::isClosed);
    }

    @Test
    void modelWeightsAreBorrowedNotOwned() {
        GraphEngine engine = engine(new CacheMode.None());
        run(engine, "{'1': {'class_type': 'LoadModel', 'inputs': {}}, '2': {'class_type': 'UseValue', 'inputs': {'a': ['1', 0]}}}", "2");
        assertThat(weights.isClosed()).isFalse();
        GraphEngine classic = engine(new CacheMode.Classic());
        run(classic, "{'1': {'class_type': 'LoadModel', 'inputs': {}}, '2': {'class_type': 'UseValue', 'inputs': {'a': ['1', 0]}}}", "2");
        classic.clearCaches();
        assertThat(weights.isClosed()).isFalse();
        assertThat(weights.sum().item()).isEqualTo(16.0);
    }

    private GraphEngine engine(CacheMode mode) {
        NodeRegistry r = new NodeRegistry();
        r.register(() -> new Simple("MakeTensor", List.of(Input.of("v", "INT")), "IMAGE", false, in -> {
            Tensor t = Tensor.full(((Number) in.get("v")).doubleValue(), DType.F32, 1, 8, 8, 3).escapeScope();
            made.add(t);
            return t;
        }));
        r.register(() -> new Simple("MakeLatent", List.of(), "LATENT", false, in -> {
            Tensor samples = Tensor.zeros(DType.F32, 1, 4, 8, 8).escapeScope();
            Tensor mask = Tensor.ones(DType.F32, 1, 1, 64, 64).escapeScope();
            made.add(samples);
            made.add(mask);
            return new Latent(samples, mask, List.of(0L));
        }));
        r.register(() -> new Simple("LoadModel", List.of(), "MODEL", false, in -> new ModelHandle(weights)));
        r.register(() -> new Simple("PassValue", List.of(Input.of("a", "*")), "*", false, in -> in.get("a")));
        r.register(() -> new Simple("UseValue", List.of(Input.of("a", "*"), Input.of("tag", "INT").optional()), null, true, in -> {
            HoldsTensors.forEach(in.get("a"), t -> {
                if (t.isClosed()) throw NodeException.valueError("input tensor already closed");
            });
            if (in.get("a") instanceof ModelHandle h && h.weights().isClosed()) throw NodeException.valueError("weights closed");
            return null;
        }));
        return new GraphEngine(ServerConfig.defaults(base).withCacheMode(mode), r);
    }

    private static void run(GraphEngine engine, String promptText, String... outputs) {
        ObjectNode prompt = Prompts.json(promptText);
        ValidationOutcome checked = engine.validate("p", prompt, null);
        assertThat(checked.valid()).as(checked.toString()).isTrue();
        try (TensorScope ignored = TensorScope.open()) {
            ExecutionOutcome outcome = engine.execute("p", checked.prompt(), Json.object(), List.of(outputs),
                    ExecutionListener.NONE);
            assertThat(outcome.success()).isTrue();
        }
    }

    /** A test node: one function, an optional single output. */
    private record Simple(String name, List<Input> inputs, String output, boolean outputNode,
                          java.util.function.Function<NodeInputs, Object> body) implements Node {
        @Override
        public NodeSchema schema() {
            NodeSchema.Builder b = NodeSchema.v1(name, "test").category("test");
            inputs.forEach(b::input);
            if (output != null) b.output(Output.of(output));
            if (outputNode) b.outputNode();
            return b.build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            Object value = body.apply(in);
            return output == null ? NodeResult.uiOnly(NodeResult.ui("text", "ok")) : NodeResult.of(value);
        }
    }
}
