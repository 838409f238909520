package dev.comfy4j.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Predicate;

/**
 * Finished prompts, oldest first, capped like ComfyUI's (more than {@value #MAXIMUM_SIZE} entries
 * evicts the oldest before an insertion). Implementations: {@link History} (one process) and the
 * PostgreSQL history shared by several servers. Thread-safe.
 */
public interface HistoryStore {
    int MAXIMUM_SIZE = 10000;

    /** Adds an entry; a known prompt id is replaced in place, keeping its position. */
    void put(String promptId, ObjectNode entry);

    /**
     * ComfyUI's paging: a negative offset with {@code maxItems} means "the newest maxItems"; the limit
     * is checked only after an entry was added, so an explicit offset with maxItems 0 still gives one.
     */
    default ObjectNode page(Integer maxItems, int offset) {
        return page(maxItems, offset, entry -> true);
    }

    /** {@link #page(Integer, int)} over the entries {@code visible} accepts only (one user's, with auth). */
    ObjectNode page(Integer maxItems, int offset, Predicate<ObjectNode> visible);

    /** {@code {id: entry}}, or {@code {}} when unknown. */
    ObjectNode get(String promptId);

    /** The ids of the entries {@code which} accepts, oldest first. */
    List<String> idsWhere(Predicate<ObjectNode> which);

    /** The entry of a prompt id, or null. */
    ObjectNode entry(String promptId);

    void clear();

    void delete(List<String> promptIds);

    int size();
}
