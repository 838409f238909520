package dev.comfy4j.nodes.string;

import dev.comfy4j.nodes.NodeSchema;

/** Shared declaration start of the V3 string nodes (comfy_extras/nodes_string.py). */
final class StringNodes {
    private StringNodes() {}

    static NodeSchema.Builder schema(String className, String displayName) {
        return NodeSchema.v3(className, "comfy_extras.nodes_string").displayName(displayName).category("utils/string");
    }
}
