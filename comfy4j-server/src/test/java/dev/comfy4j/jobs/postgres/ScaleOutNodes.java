package dev.comfy4j.jobs.postgres;

import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.engine.Engine;
import dev.comfy4j.engine.GraphEngine;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeCatalogue;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.support.TestServices;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A model-free output node for the scale-out tests: waits {@code ms} (interruptibly), then shows {@code text}. */
final class ScaleOutNodes {
    /** How often each text was run in this JVM. */
    static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

    private ScaleOutNodes() {}

    static Engine engine(ServerConfig config) {
        NodeRegistry registry = NodeCatalogue.registry(TestServices.scratch());
        registry.register(Echo::new);
        registry.register(() -> new WriteFile(config.outputDirectory()));
        return new GraphEngine(config, registry);
    }

    /** Writes {@code text} to {@code filename} in the server's output folder and reports it like SaveImage. */
    static final class WriteFile implements Node {
        private final java.nio.file.Path output;

        WriteFile(java.nio.file.Path output) {
            this.output = output;
        }

        @Override
        public NodeSchema schema() {
            return NodeSchema.v1("ScaleOutWriteFile", "tests").input(Input.string("filename")).input(Input.string("text"))
                    .outputNode().build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
            java.nio.file.Files.createDirectories(output);
            java.nio.file.Files.writeString(output.resolve(in.string("filename")), in.string("text"));
            var image = dev.comfy4j.json.Json.object().put("filename", in.string("filename")).put("subfolder", "")
                    .put("type", "output");
            return NodeResult.uiOnly(NodeResult.ui("images", image));
        }
    }

    static final class Echo implements Node {
        @Override
        public NodeSchema schema() {
            return NodeSchema.v1("ScaleOutEcho", "tests").input(Input.string("text")).input(Input.integer("ms"))
                    .outputNode().build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
            String text = in.string("text");
            long end = System.currentTimeMillis() + in.integer("ms");
            while (System.currentTimeMillis() < end) {
                context.checkInterrupt();
                Thread.sleep(5);
            }
            RUNS.computeIfAbsent(text, k -> new AtomicInteger()).incrementAndGet();
            return NodeResult.uiOnly(NodeResult.ui("text", text));
        }
    }
}
