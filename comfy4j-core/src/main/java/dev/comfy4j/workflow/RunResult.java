package dev.comfy4j.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A finished run: its prompt id and the UI outputs of its nodes as ComfyUI's history records them
 * ({@code {node_id: {images: [{filename, subfolder, type}], text: [...]}}}), with the files readable.
 */
public record RunResult(String promptId, JsonNode outputs, OutputFile.FileReader reader) {
    /** Every image of every node, in node order. */
    public List<OutputFile> images() {
        return files("images");
    }

    /** Every file under {@code key} ({@code images}, {@code gifs}, {@code audio}, {@code latents}...). */
    public List<OutputFile> files(String key) {
        List<OutputFile> out = new ArrayList<>();
        outputs.fields().forEachRemaining(node -> {
            for (JsonNode f : node.getValue().path(key)) {
                if (f.hasNonNull("filename")) {
                    out.add(new OutputFile(node.getKey(), f.get("filename").asText(), f.path("subfolder").asText(""),
                            f.path("type").asText("output"), reader));
                }
            }
        });
        return out;
    }

    /** The text a node showed (PreviewAny, ...), joined, or null. */
    public String text(String nodeId) {
        JsonNode text = outputs.path(nodeId).path("text");
        if (!text.isArray() || text.isEmpty()) return null;
        List<String> parts = new ArrayList<>();
        text.forEach(t -> parts.add(t.asText()));
        return String.join("", parts);
    }
}
