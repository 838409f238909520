package dev.comfy4j.nodes.saving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.files.OutputNaming;
import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.sd.SavedWeights;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.image.ImageSaver;
import dev.comfy4j.python.PyJson;
import dev.comfy4j.python.PyValues;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the model save nodes share: the file name under the output folder and the prompt metadata. */
final class SavedFiles {
    private SavedFiles() {}

    /**
     * Where {@code filenamePrefix} saves under the output folder, as {@code get_save_image_path} gives it; a
     * prefix that leaves the output folder fails as in ComfyUI.
     */
    static OutputNaming.Target target(Path outputRoot, String filenamePrefix) {
        return ImageSaver.target(filenamePrefix, outputRoot, 0, 0);
    }

    /** {@code <folder>/<name>_<counter:05>_.safetensors}. */
    static Path file(OutputNaming.Target target) {
        return target.folder().resolve(String.format("%s_%05d_.safetensors", target.filename(), target.counter()));
    }

    /**
     * Adds ComfyUI's prompt metadata to {@code metadata} unless {@code --disable-metadata}: {@code prompt}
     * (the prompt as JSON, empty without one) and one entry per {@code extra_pnginfo} key (the workflow).
     */
    static void addPrompt(Map<String, String> metadata, NodeContext context) {
        metadata.put("prompt", context.prompt() == null ? "" : PyJson.dumps(PyValues.fromJson(context.prompt())));
        JsonNode extra = context.extraPngInfo();
        if (extra != null && extra.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = extra.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                metadata.put(e.getKey(), PyJson.dumps(PyValues.fromJson(e.getValue())));
            }
        }
    }

    /** The prompt metadata alone, empty with {@code --disable-metadata}. */
    static Map<String, String> promptMetadata(NodeContext context) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (!context.config().disableMetadata()) addPrompt(metadata, context);
        return metadata;
    }

    /** Writes the weights of {@code parts} into one file, in the safetensors library's order, and closes them. */
    static void write(Path file, List<SavedWeights> parts, Map<String, String> metadata) throws IOException {
        try {
            List<SafetensorsWriter.Entry> entries = new java.util.ArrayList<>();
            for (SavedWeights p : parts) entries.addAll(p.entries());
            SafetensorsWriter.write(file, SavedWeights.fileOrder(entries), metadata);
        } finally {
            for (SavedWeights p : parts) p.close();
        }
    }
}
