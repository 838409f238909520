package dev.comfy4j.engine;

import dev.comfy4j.nodes.NodeCatalogue;
import dev.comfy4j.support.TestServices;
import dev.comfy4j.nodes.ExecutionBlocker;
import dev.comfy4j.nodes.Fingerprinted;
import dev.comfy4j.nodes.GraphBuilder;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.InputCheck;
import dev.comfy4j.nodes.LazyInputs;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeException;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.ValidatesInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Test-only nodes exercising the engine features the built-in nodes do not use. */
final class TestNodes {
    private TestNodes() {}

    /** The core catalogue plus every test node; {@code calls} counts executions per class. */
    static NodeRegistry registry(Map<String, AtomicInteger> calls) {
        NodeRegistry r = NodeCatalogue.registry(TestServices.scratch());
        Function<String, AtomicInteger> counter = name -> calls.computeIfAbsent(name, k -> new AtomicInteger());
        r.register(() -> new Simple("TestPass", counter.apply("TestPass"), false,
                List.of(Input.of("a", "*").optional(), Input.of("b", "*").optional(), Input.of("c", "*").optional(),
                        Input.of("d", "*").optional()),
                in -> NodeResult.of(in.getOr("a", null))));
        r.register(() -> new Simple("TestOutput", counter.apply("TestOutput"), true,
                List.of(Input.of("a", "*").optional(), Input.of("b", "*").optional(), Input.of("c", "*").optional()),
                in -> NodeResult.uiOnly(NodeResult.ui("value", String.valueOf(in.getOr("a", null))))));
        r.register(() -> new Simple("TestFail", counter.apply("TestFail"), false,
                List.of(Input.of("a", "*").optional()),
                in -> { throw NodeException.valueError("boom " + in.getOr("a", null)); }));
        r.register(() -> new Simple("TestBlock", counter.apply("TestBlock"), false,
                List.of(Input.string("message").optional()),
                in -> NodeResult.of(new ExecutionBlocker((String) in.getOr("message", null)))));
        r.register(() -> new LazySwitch(counter.apply("TestLazySwitch")));
        r.register(() -> new MakeList());
        r.register(() -> new SumList());
        r.register(() -> new Expand());
        r.register(() -> new Fingerprint(counter.apply("TestFingerprint")));
        r.register(() -> new Progress());
        r.register(() -> new Validated());
        r.register(() -> new KwargsValidated());
        r.register(() -> new V3Combo());
        r.register(() -> new Simple("TestV1Combo", counter.apply("TestV1Combo"), false,
                List.of(Input.combo("short", "a", 1.0), Input.combo("long",
                        () -> java.util.stream.IntStream.range(0, 25).mapToObj(i -> "o" + i).toList()).optional()),
                in -> NodeResult.of(in.get("short"))));
        return r;
    }

    @FunctionalInterface
    interface Body {
        NodeResult run(NodeInputs in) throws Exception;
    }

    /** A V1 test node whose inputs are all "*" and whose output is "*". */
    static final class Simple implements Node {
        private final String name;
        private final AtomicInteger calls;
        private final boolean output;
        private final List<Input> inputs;
        private final Body body;

        Simple(String name, AtomicInteger calls, boolean output, List<Input> inputs, Body body) {
            this.name = name;
            this.calls = calls;
            this.output = output;
            this.inputs = inputs;
            this.body = body;
        }

        @Override
        public NodeSchema schema() {
            NodeSchema.Builder b = NodeSchema.v1(name, "tests").category("testing");
            inputs.forEach(b::input);
            if (output) b.outputNode();
            else b.output("*");
            return b.build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
            calls.incrementAndGet();
            return body.run(in);
        }
    }

    /** Evaluates only the branch the switch selects. */
    static final class LazySwitch implements Node, LazyInputs {
        private final AtomicInteger calls;

        LazySwitch(AtomicInteger calls) {
            this.calls = calls;
        }

        @Override
        public NodeSchema schema() {
            return NodeSchema.v1("TestLazySwitch", "tests")
                    .input(Input.bool("switch"))
                    .input(Input.of("on_true", "*").lazy())
                    .input(Input.of("on_false", "*").lazy())
                    .output("*").build();
        }

        @Override
        public List<String> checkLazyStatus(NodeInputs in, NodeContext context) {
            String wanted = in.bool("switch") ? "on_true" : "on_false";
            return in.get(wanted) == null ? List.of(wanted) : List.of();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            calls.incrementAndGet();
            return NodeResult.of(in.get(in.bool("switch") ? "on_true" : "on_false"));
        }
    }

    /** OUTPUT_IS_LIST: 0..count-1 as a list of ints. */
    static final class MakeList implements Node {
        @Override
        public NodeSchema schema() {
            return NodeSchema.v1("TestMakeList", "tests").input(Input.integer("count"))
                    .output(Output.of("INT").list()).build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            List<Object> out = new ArrayList<>();
            for (long i = 0; i < in.integer("count"); i++) out.add(i);
            return NodeResult.of(out);
        }
    }

    /** INPUT_IS_LIST: sums a whole list in one call. */
    static final class SumList implements Node {
        @Override
        public NodeSchema schema() {
            return NodeSchema.v1("TestSumList", "tests").input(Input.of("values", "INT")).inputIsList()
                    .output("INT").build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            long sum = 0;
            for (Object v : in.list("values")) sum += ((Number) v).longValue();
            return NodeResult.of(sum);
        }
    }

    /** Expands into PrimitiveString -> StringConcatenate (value + suffix), plus a PreviewAny of it. */
    static final class Expand implements Node {
        @Override
        public NodeSchema schema() {
            return NodeSchema.v1("TestExpand", "tests").input(Input.string("value")).output("STRING").build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            GraphBuilder g = context.graphBuilder();
            var s = g.node("PrimitiveString", Map.of("value", in.string("value")));
            var c = g.node("StringConcatenate", Map.of("string_a", s.out(0), "string_b", "!", "delimiter", ""));
            g.node("PreviewAny", Map.of("source", c.out(0)));
            return NodeResult.expand(g.build(), c.out(0));
        }
    }

    /** IS_CHANGED = the "key" widget; counts executions. */
    static final class Fingerprint implements Node, Fingerprinted {
        private final AtomicInteger calls;

        Fingerprint(AtomicInteger calls) {
            this.calls = calls;
        }

        @Override
        public NodeSchema schema() {
            return NodeSchema.v1("TestFingerprint", "tests").input(Input.string("key")).output("STRING").build();
        }

        @Override
        public Object fingerprint(NodeInputs in) {
            return "nan".equals(in.get("key")) ? Double.NaN : in.get("key");
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            calls.incrementAndGet();
            return NodeResult.of("run " + calls.get());
        }
    }

    /** Reports progress 1..steps of steps; checks for interrupts through the progress hook. */
    static final class Progress implements Node {
        @Override
        public NodeSchema schema() {
            return NodeSchema.v1("TestProgress", "tests").input(Input.integer("steps")).output("INT").build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            long steps = in.integer("steps");
            for (long i = 1; i <= steps; i++) context.progress(i, steps);
            context.progressText("done");
            return NodeResult.of(steps);
        }
    }

    /** VALIDATE_INPUTS(name): names must start with "ok". */
    static final class Validated implements Node, ValidatesInputs {
        @Override
        public NodeSchema schema() {
            return NodeSchema.v1("TestValidated", "tests")
                    .input(Input.string("name")).input(Input.integer("n").min(0).max(5))
                    .output("STRING").build();
        }

        @Override
        public Set<String> validatedInputs() {
            return Set.of("name");
        }

        @Override
        public InputCheck validateInputs(NodeInputs in, Map<String, String> types) {
            return in.string("name").startsWith("ok") ? InputCheck.OK : InputCheck.failed("bad name: " + in.get("name"));
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            return NodeResult.of(in.string("name"));
        }
    }

    /** VALIDATE_INPUTS(**kwargs) returning False: one error per input given. */
    static final class KwargsValidated implements Node, ValidatesInputs {
        @Override
        public NodeSchema schema() {
            return NodeSchema.v1("TestKwargsValidated", "tests")
                    .input(Input.integer("x").max(1)).input(Input.of("y", "*"))
                    .output("INT").build();
        }

        @Override
        public Set<String> validatedInputs() {
            return null;
        }

        @Override
        public InputCheck validateInputs(NodeInputs in, Map<String, String> types) {
            return InputCheck.failed();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            return NodeResult.of(in.get("x"));
        }
    }

    /** A V3 node with a COMBO input (never checked against its options, like ComfyUI). */
    static final class V3Combo implements Node {
        @Override
        public NodeSchema schema() {
            return NodeSchema.v3("TestV3Combo", "tests").input(Input.combo("mode", "a", "b")).output("STRING").build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            return NodeResult.of(in.get("mode"));
        }
    }
}
