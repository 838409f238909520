package dev.comfy4j.jobs.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.jobs.HistoryStore;
import dev.comfy4j.json.Json;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The history several servers share, read from the database on every request (another server may
 * have written since). Position order is insertion order; a re-used prompt id keeps its row and so
 * its place, as in ComfyUI's dict.
 */
public final class PostgresHistory implements HistoryStore {
    private final PostgresDatabase db;

    PostgresHistory(PostgresDatabase db) {
        this.db = db;
    }

    private record Row(String promptId, ObjectNode entry) {}

    @Override
    public void put(String promptId, ObjectNode entry) {
        String text = Json.write(entry);
        db.inTransaction(c -> {
            put(c, promptId, text);
            return null;
        });
    }

    /** Inserts or replaces in place, evicting the oldest entries beyond ComfyUI's cap. */
    static void put(Connection c, String promptId, String entry) throws SQLException {
        PostgresDatabase.update(c, "INSERT INTO history (prompt_id, entry) VALUES (?, ?)"
                + " ON CONFLICT (prompt_id) DO UPDATE SET entry = excluded.entry", promptId, entry);
        PostgresDatabase.update(c, "DELETE FROM history WHERE position < (SELECT position FROM history"
                + " ORDER BY position DESC OFFSET ? LIMIT 1)", MAXIMUM_SIZE);
    }

    private List<Row> rows() {
        return db.query("SELECT prompt_id, entry FROM history ORDER BY position",
                r -> new Row(r.getString(1), (ObjectNode) StoredJson.parse(r.getString(2))));
    }

    @Override
    public ObjectNode page(Integer maxItems, int offset, Predicate<ObjectNode> visible) {
        List<Row> rows = rows().stream().filter(r -> visible.test(r.entry())).toList();
        int start = offset;
        if (start < 0 && maxItems != null) start = rows.size() - maxItems;
        ObjectNode out = Json.object();
        int taken = 0;
        for (int index = Math.max(0, start); index < rows.size(); index++) {
            out.set(rows.get(index).promptId(), rows.get(index).entry());
            taken++;
            if (maxItems != null && taken >= maxItems) break;
        }
        return out;
    }

    @Override
    public ObjectNode get(String promptId) {
        ObjectNode out = Json.object();
        ObjectNode entry = entry(promptId);
        if (entry != null) out.set(promptId, entry);
        return out;
    }

    @Override
    public List<String> idsWhere(Predicate<ObjectNode> which) {
        List<String> ids = new ArrayList<>();
        for (Row r : rows()) if (which.test(r.entry())) ids.add(r.promptId());
        return ids;
    }

    @Override
    public ObjectNode entry(String promptId) {
        return db.query("SELECT entry FROM history WHERE prompt_id = ?", r -> (ObjectNode) StoredJson.parse(r.getString(1)), promptId)
                .stream().findFirst().orElse(null);
    }

    @Override
    public void clear() {
        db.update("DELETE FROM history");
    }

    @Override
    public void delete(List<String> promptIds) {
        for (String id : promptIds) db.update("DELETE FROM history WHERE prompt_id = ?", id);
    }

    @Override
    public int size() {
        return db.query("SELECT count(*) FROM history", r -> r.getInt(1)).getFirst();
    }
}
