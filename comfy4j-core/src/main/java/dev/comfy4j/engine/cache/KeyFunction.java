package dev.comfy4j.engine.cache;

import dev.comfy4j.engine.DynamicPrompt;

/** How a cache names a node's entry: by input signature (outputs, UI) or by (id, class) (objects). */
@FunctionalInterface
public interface KeyFunction {
    Object key(DynamicPrompt prompt, String nodeId, Fingerprints fingerprints);
}
