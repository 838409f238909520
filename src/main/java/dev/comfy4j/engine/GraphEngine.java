package dev.comfy4j.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ServerConfig;
import java.util.List;

/** PLACEHOLDER until the engine lands: replaced by the real engine (issue 3). */
public final class GraphEngine implements Engine {
    public static GraphEngine create(ServerConfig config) {
        return new GraphEngine();
    }

    @Override public ValidationOutcome validate(String promptId, JsonNode prompt, List<String> targets) {
        throw new IllegalStateException("engine not built yet");
    }

    @Override public ExecutionOutcome execute(String promptId, ObjectNode prompt, ObjectNode extraData,
                                              List<String> outputs, ExecutionListener listener) {
        throw new IllegalStateException("engine not built yet");
    }

    @Override public void interrupt() {}

    @Override public void clearCaches() {}

    @Override public void unloadModels() {}

    @Override public ObjectNode objectInfo() { return dev.comfy4j.json.Json.object(); }

    @Override public ObjectNode objectInfo(String className) { return dev.comfy4j.json.Json.object(); }
}
