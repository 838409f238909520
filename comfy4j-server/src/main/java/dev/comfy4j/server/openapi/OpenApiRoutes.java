package dev.comfy4j.server.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code GET /openapi.json} (the document) and {@code GET /openapi} (a page for people, rendered
 * here so it needs no script or network). Not {@code /docs}: ComfyUI's frontend reads node help there.
 */
public final class OpenApiRoutes implements RouteFamily {
    private final ObjectNode document;
    private final byte[] json;
    private final byte[] page;

    public OpenApiRoutes(String version) {
        this.document = OpenApiDocument.load(version);
        this.json = Json.writeBytes(document);
        this.page = render(document).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void register(Router router) {
        router.get("/openapi.json", ex -> ex.bytes(200, "application/json; charset=utf-8", json));
        router.get("/openapi", ex -> ex.bytes(200, "text/html; charset=utf-8", page));
    }

    static String render(ObjectNode doc) {
        StringBuilder html = new StringBuilder();
        JsonNode info = doc.path("info");
        html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(info.path("title").asText())).append(" API</title><style>")
                .append("body{font:15px/1.45 system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}")
                .append("h2{border-bottom:1px solid #ccc;margin-top:2em}.op{margin:.6em 0;padding:.4em .6em;border-left:4px solid #888}")
                .append(".m{font:bold 13px monospace;display:inline-block;min-width:4.5em}.GET{border-color:#2a7}.POST{border-color:#27c}")
                .append(".DELETE{border-color:#c33}.PATCH{border-color:#c90}pre{background:#f6f6f6;padding:.6em;overflow:auto;font-size:12px}")
                .append("code{background:#f1f1f1;padding:0 .2em}</style></head><body>")
                .append("<h1>").append(esc(info.path("title").asText())).append(" ").append(esc(info.path("version").asText()))
                .append("</h1><p>").append(esc(info.path("summary").asText())).append("</p><pre>")
                .append(esc(info.path("description").asText())).append("</pre>")
                .append("<p>Machine-readable: <a href=\"openapi.json\">openapi.json</a> (OpenAPI ")
                .append(esc(doc.path("openapi").asText())).append(").</p>");
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            html.append("<h2><code>").append(esc(path.getKey())).append("</code></h2>");
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (op.getKey().equals("parameters") || op.getKey().equals("servers")) continue;
                String method = op.getKey().toUpperCase(java.util.Locale.ROOT);
                JsonNode o = op.getValue();
                html.append("<div class=\"op ").append(method).append("\"><span class=\"m\">").append(method)
                        .append("</span> ").append(esc(o.path("summary").asText()));
                if (o.has("description")) html.append("<pre>").append(esc(o.get("description").asText())).append("</pre>");
                html.append("<details><summary>parameters, body and responses</summary><pre>");
                ObjectNode detail = Json.object();
                if (path.getValue().has("parameters")) detail.set("path parameters", path.getValue().get("parameters"));
                for (String key : new String[] {"parameters", "requestBody", "responses"}) {
                    if (o.has(key)) detail.set(key, o.get(key));
                }
                html.append(esc(pretty(detail)))
                        .append("</pre></details></div>");
            }
        }
        html.append("<h2>Schemas</h2><pre>")
                .append(esc(pretty(doc.path("components"))))
                .append("</pre></body></html>");
        return html.toString();
    }

    private static String pretty(JsonNode node) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
