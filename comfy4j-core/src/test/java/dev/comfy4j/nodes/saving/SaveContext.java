package dev.comfy4j.nodes.saving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.nodes.GraphBuilder;
import dev.comfy4j.nodes.NodeContext;
import java.nio.file.Path;

/** A node context for calling the save nodes directly: a prompt, extra_pnginfo and the metadata flag. */
record SaveContext(ObjectNode prompt, JsonNode extraPngInfo, boolean disableMetadata) implements NodeContext {
    @Override public String promptId() { return "test"; }
    @Override public String uniqueId() { return "1"; }
    @Override public int listIndex() { return 0; }
    @Override public ServerConfig config() {
        return ServerConfig.defaults(Path.of("target")).toBuilder().disableMetadata(disableMetadata).build();
    }
    @Override public void progress(Number value, Number max) {}
    @Override public void progress(Number value, Number max, String imageType, byte[] encodedImage) {}
    @Override public void progressText(String text) {}
    @Override public void checkInterrupt() {}
    @Override public GraphBuilder graphBuilder() { throw new IllegalStateException("save nodes do not expand"); }
}
