package dev.comfy4j.nodes.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.nodes.GraphBuilder;
import dev.comfy4j.nodes.NodeContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A node context for calling nodes directly: records progress updates; no prompt, no expansions. */
final class RecordingContext implements NodeContext {
    final List<long[]> progress = new ArrayList<>();

    @Override public String promptId() { return "test"; }
    @Override public String uniqueId() { return "1"; }
    @Override public int listIndex() { return 0; }
    @Override public ServerConfig config() { return ServerConfig.defaults(Path.of("target")); }
    @Override public ObjectNode prompt() { return null; }
    @Override public JsonNode extraPngInfo() { return null; }
    @Override public void progress(Number value, Number max) { progress.add(new long[] {value.longValue(), max.longValue()}); }
    @Override public void progress(Number value, Number max, String imageType, byte[] encodedImage) { progress(value, max); }
    @Override public void progressText(String text) {}
    @Override public void checkInterrupt() {}
    @Override public GraphBuilder graphBuilder() { throw new IllegalStateException("model nodes do not expand"); }
}
