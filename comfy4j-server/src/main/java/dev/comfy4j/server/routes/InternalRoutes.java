package dev.comfy4j.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.comfy4j.files.Folders;
import dev.comfy4j.json.Json;
import dev.comfy4j.logging.LogCapture;
import dev.comfy4j.server.Exchange;
import dev.comfy4j.server.HttpError;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;
import dev.comfy4j.server.WebSocketHub;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The frontend's private routes under {@code /internal} only (API spec §11.11). */
public final class InternalRoutes implements RouteFamily {
    private final Folders folders;
    private final LogCapture logs;
    private final WebSocketHub hub;
    private final Set<String> subscribers = ConcurrentHashMap.newKeySet();

    public InternalRoutes(Folders folders, LogCapture logs, WebSocketHub hub) {
        this.folders = folders;
        this.logs = logs;
        this.hub = hub;
        logs.onNewEntries(this::pushToSubscribers);
    }

    @Override
    public void register(Router router) {
        router.addInternal("GET", "/logs", ex -> {
            StringBuilder text = new StringBuilder();
            for (LogCapture.Entry e : logs.entries()) text.append(e.t()).append(" - ").append(e.m());
            ex.json(TextNode.valueOf(text.toString()));
        });
        router.addInternal("GET", "/logs/raw", ex -> {
            ObjectNode out = Json.object();
            out.set("entries", entries(logs.entries()));
            out.set("size", terminalSize());
            ex.json(out);
        });
        router.addInternal("PATCH", "/logs/subscribe", this::subscribe);
        router.addInternal("GET", "/folder_paths", ex -> {
            ObjectNode out = Json.object();
            for (String name : folders.models().names()) {
                ArrayNode paths = out.putArray(name);
                folders.models().searchPaths(name).forEach(p -> paths.add(p.toString()));
            }
            ex.json(out);
        });
        router.addInternal("GET", "/files/{directory_type}", this::files);
    }

    private void subscribe(Exchange ex) {
        ObjectNode body = ex.jsonObjectBody();
        JsonNode clientId = body.get("clientId");
        JsonNode enabled = body.get("enabled");
        // The reference fails with a 500 when a key is missing; a 400 names it.
        if (clientId == null || enabled == null) throw HttpError.badRequest("clientId and enabled are required");
        String sid = clientId.isTextual() ? clientId.asText() : Json.write(clientId);
        // with authentication, sockets are registered under user and sid
        sid = WebSocketHub.key(dev.comfy4j.server.auth.Access.user(ex), sid);
        if (truthy(enabled)) {
            subscribers.add(sid);
        } else {
            subscribers.remove(sid);
        }
        ex.empty(200);
    }

    /** Python's truth test of a JSON value. */
    static boolean truthy(JsonNode v) {
        if (v.isBoolean()) return v.asBoolean();
        if (v.isNumber()) return v.asDouble() != 0;
        if (v.isTextual()) return !v.asText().isEmpty();
        if (v.isContainerNode()) return !v.isEmpty();
        return false;
    }

    /** Sends new log entries as {@code logs} messages; {@code size} is null, as when the terminal did not change. */
    private void pushToSubscribers(List<LogCapture.Entry> batch) {
        if (subscribers.isEmpty() || batch.isEmpty()) return;
        ObjectNode data = Json.object();
        data.set("entries", entries(batch));
        data.putNull("size");
        for (String sid : subscribers) hub.sendTo(sid, "logs", data);
    }

    private static ArrayNode entries(List<LogCapture.Entry> list) {
        ArrayNode out = Json.array();
        for (LogCapture.Entry e : list) {
            ObjectNode o = out.addObject();
            o.put("t", e.t());
            o.put("m", e.m());
        }
        return out;
    }

    /** From COLUMNS/LINES when set, else 80×24 (the JVM cannot ask the terminal). */
    private static ObjectNode terminalSize() {
        ObjectNode size = Json.object();
        size.put("cols", envInt("COLUMNS", 80));
        size.put("rows", envInt("LINES", 24));
        return size;
    }

    private static int envInt(String name, int fallback) {
        try {
            String v = System.getenv(name);
            return v == null ? fallback : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private void files(Exchange ex) {
        String type = ex.pathParam("directory_type");
        if (!Set.of("output", "input", "temp").contains(type)) {
            ObjectNode error = Json.object();
            error.put("error", "Invalid directory type");
            throw HttpError.json(400, error);
        }
        Path dir = folders.directoryByType(type).orElseThrow();
        record Named(String name, FileTime modified) {}
        List<Named> found = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path p : entries) {
                    String name = p.getFileName().toString();
                    if (name.startsWith(".") || !Files.isRegularFile(p)) continue;
                    found.add(new Named(name, Files.getLastModifiedTime(p)));
                }
            } catch (IOException e) {
                // an unreadable folder lists as empty; the reference would answer 500
            }
        }
        found.sort(Comparator.comparing(Named::modified).reversed().thenComparing(Named::name));
        ArrayNode out = Json.array();
        found.forEach(n -> out.add(n.name()));
        ex.json(out);
    }
}
