package dev.comfy4j.nodes.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.nodes.GraphBuilder;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.ProcessingInterrupted;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/** The sampling nodes' context in tests: records progress as "value/max"; interrupts once {@code interruptAfter} holds for the steps done. */
final class RecordingContext implements NodeContext {
    final List<String> progress = new ArrayList<>();
    final IntPredicate interruptAfter;

    RecordingContext(IntPredicate interruptAfter) {
        this.interruptAfter = interruptAfter;
    }

    @Override public String promptId() { return "p"; }
    @Override public String uniqueId() { return "3"; }
    @Override public int listIndex() { return 0; }
    @Override public ServerConfig config() { return ServerConfig.defaults(Path.of("target")); }
    @Override public ObjectNode prompt() { return null; }
    @Override public JsonNode extraPngInfo() { return null; }
    @Override public void progress(Number value, Number max) {
        progress.add(value + "/" + max);
        checkInterrupt();
    }
    @Override public void progress(Number value, Number max, String imageType, byte[] encodedImage) { progress(value, max); }
    @Override public void progressText(String text) {}
    @Override public void checkInterrupt() {
        if (interruptAfter.test(progress.size())) throw new ProcessingInterrupted();
    }
    @Override public GraphBuilder graphBuilder() { throw new UnsupportedOperationException(); }
}
