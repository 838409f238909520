package dev.comfy4j.server.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.App;
import dev.comfy4j.json.Json;
import dev.comfy4j.support.ScriptedEngine;
import dev.comfy4j.support.TestServer;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The routes around the web editor over real HTTP: templates, node help, the home page, the pinned versions. */
class WebEditorRoutesTest {
    @TempDir
    Path base;
    ServerHarness server;

    @BeforeEach
    void start() {
        server = new ServerHarness(TestServer.config(base));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void templateIndexAndFilesAreStaticFilesWithoutTheApiPrefix() throws Exception {
        HttpResponse<byte[]> index = server.get("/templates/index.json");
        assertThat(index.statusCode()).isEqualTo(200);
        // the editor ignores an index whose Content-Type lacks application/json
        assertThat(index.headers().firstValue("Content-Type").orElseThrow()).contains("application/json");
        assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(index.headers().firstValue("ETag")).isPresent();
        JsonNode categories = Json.parse(ServerHarness.text(index));
        int templates = 0;
        for (JsonNode category : categories) {
            for (JsonNode t : category.path("templates")) {
                templates++;
                String name = t.path("name").asText();
                HttpResponse<byte[]> workflow = server.get("/templates/" + name + ".json");
                assertThat(workflow.statusCode()).as(name).isEqualTo(200);
                JsonNode graph = Json.parse(ServerHarness.text(workflow));
                assertThat(graph.path("nodes").isArray() && graph.path("links").isArray()).as(name).isTrue();
                // the thumbnail the editor builds: /templates/<name>-1.<mediaSubtype>
                HttpResponse<byte[]> thumb = server.get("/templates/" + name + "-1." + t.path("mediaSubtype").asText());
                assertThat(thumb.statusCode()).as(name).isEqualTo(200);
                assertThat(thumb.headers().firstValue("Content-Type")).hasValue("image/png");
                assertThat(thumb.headers().firstValue("Cache-Control")).hasValue("public, max-age=86400");
                assertThat(ImageIO.read(new ByteArrayInputStream(thumb.body()))).isNotNull();
            }
        }
        assertThat(templates).isEqualTo(4);
        HttpResponse<byte[]> fuse = server.get("/templates/fuse_options.json");
        assertThat(fuse.headers().firstValue("Content-Type").orElseThrow()).contains("application/json");
        assertThat(Json.parse(ServerHarness.text(fuse)).path("keys").isArray()).isTrue();

        String etag = index.headers().firstValue("ETag").orElseThrow();
        assertThat(server.get("/templates/index.json", "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(server.get("/templates/index.json", "Range", "bytes=0-0").statusCode()).isEqualTo(206);

        assertThat(server.get("/api/templates/index.json").statusCode()).isEqualTo(404);
        assertThat(server.get("/templates/nothing.json").statusCode()).isEqualTo(404);
        assertThat(server.get("/templates/index.zh.json").statusCode()).isEqualTo(404); // the editor falls back to index.json
        assertThat(server.get("/templates/").statusCode()).isEqualTo(403);
        assertThat(server.raw("GET /templates/..%2Fcomfy4j.db HTTP/1.1")).startsWith("HTTP/1.1 404");
        assertThat(server.raw("GET /templates/%2e%2e/%2e%2e/%2e%2e/App.class HTTP/1.1")).matches("(?s)HTTP/1.1 40[04] .*");
        HttpResponse<byte[]> post = server.send("POST", "/templates/index.json", new byte[0], null);
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET,HEAD");
    }

    @Test
    void nodeHelpIsWrittenFromEachNodesDeclaration() throws Exception {
        HttpResponse<byte[]> page = server.get("/docs/SaveImage/en.md");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/markdown");
        String md = ServerHarness.text(page);
        JsonNode info = Json.parse(ServerHarness.text(server.get("/object_info/SaveImage"))).get("SaveImage");
        assertThat(md).startsWith("# " + info.get("display_name").asText() + "\n")
                .contains(info.get("description").asText())
                .contains("| images | IMAGE | yes |  | The images to save. |")
                .contains("| filename_prefix | STRING | yes | \"ComfyUI\" |")
                .contains("**Category:** image")
                .contains("## Outputs\n\nThis node has no outputs.");
        assertThat(ServerHarness.text(server.get("/docs/SaveImage/zh-TW.md"))).isEqualTo(md);

        String invert = ServerHarness.text(server.get("/docs/ImageInvert/en.md"));
        assertThat(invert).contains("| image | IMAGE | yes |").contains("| IMAGE | IMAGE |  |");

        assertThat(server.get("/docs/NoSuchNode/en.md").statusCode()).isEqualTo(404);
        assertThat(server.get("/docs/SaveImage/en.txt").statusCode()).isEqualTo(404);
        assertThat(server.get("/docs/SaveImage/../../x.md").statusCode()).isEqualTo(404);
        assertThat(server.get("/api/docs/SaveImage/en.md").statusCode()).isEqualTo(404);
    }

    @Test
    void everyNodeClassHasAHelpPageNamingItsInputsAndOutputs() throws Exception {
        JsonNode all = Json.parse(ServerHarness.text(server.get("/object_info")));
        assertThat(all.size()).isGreaterThan(50);
        for (var entry : all.properties()) {
            String className = entry.getKey();
            HttpResponse<byte[]> page = server.get("/docs/" + java.net.URLEncoder.encode(className, StandardCharsets.UTF_8).replace("+", "%20") + "/en.md");
            assertThat(page.statusCode()).as(className).isEqualTo(200);
            String md = ServerHarness.text(page);
            JsonNode info = entry.getValue();
            for (String group : new String[] {"required", "optional"}) {
                info.path("input").path(group).fieldNames().forEachRemaining(input ->
                        assertThat(md).as(className).contains("| " + input + " |"));
            }
            assertThat(md).as(className).contains("## Outputs");
            for (JsonNode type : info.path("output")) assertThat(md).as(className).contains(type.isArray() ? "COMBO" : type.asText());
        }
    }

    @Test
    void theHomePageSaysWhatRunsAndHowToGetTheEditor() throws Exception {
        HttpResponse<byte[]> page = server.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
        String html = ServerHarness.text(page);
        assertThat(html).contains("<h1>comfy4j <small id=\"version\">" + App.VERSION + "</small></h1>")
                .contains("--front-end-version Comfy-Org/ComfyUI_frontend@v1.27.10")
                .contains("href=\"/openapi.json\"")
                .contains("<td id=\"queue-running\">0</td>").contains("<td id=\"queue-pending\">0</td>");
        assertThat(ServerHarness.text(server.get("/api/"))).isEqualTo(html);
    }

    @Test
    void systemStatsNamesThePinnedEditorAndTemplateVersions() throws Exception {
        JsonNode system = Json.parse(ServerHarness.text(server.get("/system_stats"))).get("system");
        assertThat(system.get("required_frontend_version").asText()).isEqualTo("1.27.10");
        assertThat(system.get("required_templates_version").asText()).isEqualTo("0.1.95");
        assertThat(system.get("installed_templates_version").isNull()).isTrue();
    }

    /** The queue counts on the home page come from the live queue. */
    @Test
    void theHomePageCountsRunningAndPendingPrompts() throws Exception {
        ScriptedEngine engine = new ScriptedEngine();
        try (TestServer scripted = TestServer.start(TestServer.config(base.resolve("other")), c -> engine)) {
            String gate = "{\"prompt\": {\"1\": {\"class_type\": \"Gate\", \"inputs\": {}}, \"2\": {\"class_type\": \"Out\", \"inputs\": {\"x\": [\"1\", 0]}}}}";
            String first = TestServer.json(scripted.post("/prompt", gate)).get("prompt_id").asText();
            scripted.awaitRunning(first);
            scripted.post("/prompt", gate);
            scripted.post("/prompt", gate);
            String html = scripted.get("/").body();
            assertThat(html).contains("<td id=\"queue-running\">1</td>").contains("<td id=\"queue-pending\">2</td>");
            engine.release(3);
        }
    }
}
