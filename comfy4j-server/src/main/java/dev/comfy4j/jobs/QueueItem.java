package dev.comfy4j.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import java.util.Comparator;
import java.util.List;

/**
 * ComfyUI's queue tuple {@code [number, prompt_id, prompt, extra_data, outputs_to_execute]}.
 *
 * @param number an integer node when the server assigned it, a float node when the client did
 * @param sequence the order of arrival; it only breaks ties the tuple order leaves open
 */
public record QueueItem(JsonNode number, String promptId, ObjectNode prompt, ObjectNode extraData,
                        List<String> outputsToExecute, long sequence) {

    /** The credentials ComfyUI strips before a prompt reaches history. */
    public static final List<String> SENSITIVE_KEYS = List.of("auth_token_comfy_org", "api_key_comfy_org");

    /** ComfyUI's heap order: number, then prompt_id as a string. */
    public static final Comparator<QueueItem> ORDER = Comparator
            .comparing((QueueItem i) -> i.number.decimalValue())
            .thenComparing(QueueItem::promptId)
            .thenComparingLong(QueueItem::sequence);

    /** {@code extra_data} without credentials: what /queue, history and the database see. */
    public ObjectNode publicExtraData() {
        ObjectNode copy = extraData.deepCopy();
        copy.remove(SENSITIVE_KEYS);
        return copy;
    }

    public String clientId() {
        JsonNode id = extraData.get("client_id");
        return id != null && id.isTextual() ? id.asText() : null;
    }

    /** The tuple as /queue and history show it, credentials removed. */
    public ArrayNode toTuple() {
        ArrayNode tuple = Json.array();
        tuple.add(number);
        tuple.add(promptId);
        tuple.add(prompt);
        tuple.add(publicExtraData());
        ArrayNode outputs = tuple.addArray();
        outputsToExecute.forEach(outputs::add);
        return tuple;
    }
}
