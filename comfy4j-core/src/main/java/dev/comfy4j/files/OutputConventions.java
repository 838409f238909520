package dev.comfy4j.files;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * ComfyUI's conventions for the files output nodes write: {@code get_save_image_path} naming and
 * counters, the UI entry a saved file gets, and whether prompts go into the files' metadata
 * ({@code --disable-metadata}).
 */
public record OutputConventions(boolean disableMetadata) {
    /** Where {@code filenamePrefix} saves under {@code root}, with the next free counter. */
    public OutputNaming.Target target(String filenamePrefix, Path root, int width, int height) {
        return OutputNaming.resolve(filenamePrefix, root, width, height);
    }

    /** {@code {"filename", "subfolder", "type"}} as the UI result lists a saved file. */
    public ObjectNode uiResult(String filename, String subfolder, String type) {
        return OutputNaming.uiResult(filename, subfolder, type);
    }
}
