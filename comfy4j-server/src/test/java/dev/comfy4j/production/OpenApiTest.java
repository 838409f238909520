package dev.comfy4j.production;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.server.Router;
import dev.comfy4j.support.ScriptedEngine;
import dev.comfy4j.support.TestServer;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /openapi.json} is a valid OpenAPI 3.1 document (read by swagger-parser), documents every
 * route of the router and nothing else, and every documented operation answers.
 */
class OpenApiTest {
    @TempDir Path base;

    @Test
    void theDocumentIsValidOpenApi31AndMatchesTheRouteTable() throws Exception {
        try (TestServer server = TestServer.start(TestServer.config(base), c -> new ScriptedEngine())) {
            HttpResponse<String> r = server.get("/openapi.json");
            assertThat(r.statusCode()).isEqualTo(200);
            ParseOptions options = new ParseOptions();
            options.setResolve(true);
            SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(r.body(), null, options);
            assertThat(parsed.getMessages()).as("parser messages").isEmpty();
            assertThat(parsed.getOpenAPI()).isNotNull();
            assertThat(parsed.getOpenAPI().getOpenapi()).startsWith("3.1");
            assertThat(parsed.getOpenAPI().getPaths()).containsKeys("/prompt", "/ws", "/healthz", "/metrics");

            JsonNode doc = TestServer.json(r);
            Set<String> documented = new TreeSet<>();
            for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
                for (String method : path.getValue().propertyStream().map(Map.Entry::getKey).toList()) {
                    if (Set.of("parameters", "servers", "summary", "description").contains(method)) continue;
                    documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
            Set<String> routed = new TreeSet<>();
            for (Router.RouteInfo route : server.app().routes()) {
                String path = route.path().replaceAll("\\{([^}:]+):\\.\\*}", "{$1}");
                // The /api twin of every route is the document's second server.
                if (path.startsWith("/api/")) path = path.substring(4);
                routed.add(route.method() + " " + path);
            }
            assertThat(routed).as("routes missing from the document").isSubsetOf(documented);
            assertThat(documented).as("documented operations the router does not have").isSubsetOf(routed);

            // Each documented operation answers at its path (and its /api twin outside /internal).
            for (String op : documented) {
                String method = op.substring(0, op.indexOf(' '));
                String path = op.substring(op.indexOf(' ') + 1)
                        .replace("{prompt_id}", "p1").replace("{node_class}", "Out").replace("{folder}", "checkpoints")
                        .replace("{path_index}", "0").replace("{filename}", "a.png").replace("{folder_name}", "checkpoints")
                        .replace("{id}", "Comfy.Theme").replace("{file}", "a.json").replace("{dest}", "b.json")
                        .replace("{directory_type}", "input").replace("{path}", "index.json");
                for (String prefix : path.startsWith("/internal") ? new String[] {""} : new String[] {"", "/api"}) {
                    HttpResponse<String> answer = server.send(HttpRequest.newBuilder(URI.create(server.url(prefix + path)))
                            .method(method, HttpRequest.BodyPublishers.ofString("{}")).build());
                    assertThat(answer.statusCode()).as(method + " " + prefix + path + ": " + answer.body())
                            .isNotEqualTo(405).isLessThan(500);
                }
            }
            HttpResponse<String> page = server.get("/openapi");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(page.body()).contains("<code>/prompt</code>").contains("openapi.json");
        }
    }
}
