package dev.comfy4j.engine.cache;

import dev.comfy4j.engine.DynamicPrompt;
import java.util.List;

/** Keys node instances by (node id, class type), like ComfyUI's CacheKeySetID. */
public final class NodeIdKeys implements KeyFunction {
    @Override
    public Object key(DynamicPrompt prompt, String nodeId, Fingerprints fingerprints) {
        return List.of(nodeId, prompt.node(nodeId).classType());
    }
}
