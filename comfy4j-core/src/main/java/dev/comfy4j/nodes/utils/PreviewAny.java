package dev.comfy4j.nodes.utils;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.python.PyError;
import dev.comfy4j.python.PyJson;
import dev.comfy4j.python.PyRepr;

/**
 * Shows any value as text: strings as they are, numbers and booleans through Python's str(),
 * containers as {@code json.dumps(value, indent=4)}, anything else through str().
 */
public final class PreviewAny implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("PreviewAny", "comfy_extras.nodes_preview_any")
                .displayName("Preview Any").category("utils")
                .input(Input.of("source", "*"))
                .outputNode()
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        String text = render(in.get("source"));
        return NodeResult.uiOnly(NodeResult.ui("text", text));
    }

    /** The text PreviewAny shows for a value. */
    public static String render(Object source) {
        return switch (source) {
            case null -> "None";
            case String s -> s;
            case Number n -> PyRepr.str(n);
            case Boolean b -> PyRepr.str(b);
            case dev.comfy4j.nodes.latent.Latent latent -> render(latent.asDict()); // shown as the dict it is in ComfyUI
            default -> {
                try {
                    yield PyJson.dumps(source, 4);
                } catch (PyError notJson) {
                    yield PyRepr.str(source);
                }
            }
        };
    }
}
