package dev.comfy4j.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.files.Folders;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which output and temp files each user's prompts made, so that {@code /view} shows a user only its
 * own. Filled from history at start and from every {@code executed} event (whose UI output names the
 * files: {@code {"images": [{"filename", "subfolder", "type"}]}}). Input files are shared by all
 * users, as in ComfyUI's multi-user mode: uploads and {@code LoadImage} use one input folder.
 */
public final class OutputGrants {
    private final Map<String, Set<String>> byUser = new ConcurrentHashMap<>();

    /** Records every file named in a node's UI output as made by {@code user}. */
    public void grantOutputs(String user, JsonNode uiOutput) {
        if (user == null || uiOutput == null) return;
        Set<String> files = byUser.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet());
        for (JsonNode list : uiOutput) {
            if (!list.isArray()) continue;
            for (JsonNode item : list) {
                if (!item.isObject() || !item.path("filename").isTextual()) continue;
                files.add(key(item.path("type").asText("output"), item.path("subfolder").asText(""),
                        item.path("filename").asText()));
            }
        }
    }

    /** Every output of a history entry: {@code outputs} maps node ids to UI outputs. */
    public void grantHistoryEntry(String user, ObjectNode entry) {
        JsonNode outputs = entry.get("outputs");
        if (outputs != null) outputs.forEach(ui -> grantOutputs(user, ui));
    }

    /**
     * Whether {@code user} may fetch the file a {@code /view} request names. Names are compared after
     * the same reading {@code /view} does (the {@code " [type]"} annotation, the last path component).
     */
    boolean mayView(String user, Context ctx) {
        return mayView(user, ctx.queryParam("filename"), ctx.queryParam("type"), ctx.queryParam("subfolder"));
    }

    /** The same with the query parameters given one by one (null when absent). */
    public boolean mayView(String user, String filename, String typeParam, String subfolderParam) {
        if (filename == null) return true; // /view answers 404 itself
        Folders.AnnotatedName annotated = Folders.annotated(filename);
        String type = annotated.type() != null ? annotated.type() : Optional.ofNullable(typeParam).orElse("output");
        if (type.equals("input")) return true;
        String name = annotated.name();
        String baseName = name.substring(name.lastIndexOf('/') + 1);
        String subfolder = Optional.ofNullable(subfolderParam).orElse("");
        Set<String> files = byUser.get(user);
        return files != null && files.contains(key(type, normalise(subfolder), baseName));
    }

    private static String normalise(String subfolder) {
        String s = subfolder.replace('\\', '/');
        while (s.startsWith("/")) s = s.substring(1);
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return s;
    }

    private static String key(String type, String subfolder, String filename) {
        return type + "\u0000" + normalise(subfolder) + "\u0000" + filename;
    }
}
