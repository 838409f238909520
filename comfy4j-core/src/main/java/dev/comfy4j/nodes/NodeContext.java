package dev.comfy4j.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ServerConfig;

/** What a running node may ask of the engine: progress, interrupt checks, ids, folders, subgraphs. */
public interface NodeContext {
    String promptId();

    /** The node's id (an ephemeral id such as {@code "12.0.0.3"} inside an expansion). */
    String uniqueId();

    /** Which element of the input lists this call handles (0 for INPUT_IS_LIST nodes). */
    int listIndex();

    ServerConfig config();

    /** The whole prompt (PROMPT hidden value); read-only by convention. */
    ObjectNode prompt();

    /** {@code extra_data.extra_pnginfo}, or null. */
    JsonNode extraPngInfo();

    /**
     * Reports progress like ComfyUI's ProgressBar.update_absolute: value is clamped to max, the
     * interrupt flag is checked (throwing {@link ProcessingInterrupted}), then {@code progress_state}
     * and {@code progress} are sent with the numbers as given (ints stay ints).
     */
    void progress(Number value, Number max);

    /** Progress with a preview image already encoded, {@code imageType} {@code image/jpeg} or {@code image/png}. */
    void progress(Number value, Number max, String imageType, byte[] encodedImage);

    /** Text shown on the node (binary frame type 3). */
    void progressText(String text);

    /** Throws {@link ProcessingInterrupted} if an interrupt was requested (and consumes the request). */
    void checkInterrupt();

    /**
     * A builder for an expansion subgraph with ComfyUI's ids: {@code "<node>.<listIndex>.<n>.<k>"}
     * where n counts the builders made in this call.
     */
    GraphBuilder graphBuilder();
}
