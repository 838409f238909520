package dev.comfy4j.server.routes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.config.ServerConfig;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserRoutesTest {
    @TempDir
    Path base;
    ServerHarness server;

    @BeforeEach
    void start() {
        server = new ServerHarness(ServerConfig.defaults(base));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<byte[]> post(String path, String body) throws Exception {
        return server.send("POST", path, body.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    @Test
    void settingsRoundTrip() throws Exception {
        assertThat(ServerHarness.text(server.get("/users"))).isEqualTo("{\"storage\":\"server\",\"migrated\":false}");
        HttpResponse<byte[]> set = post("/settings/Comfy.Color", "\"red\"");
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(set.body()).isEmpty();
        assertThat(ServerHarness.text(server.get("/api/settings/Comfy.Color"))).isEqualTo("\"red\"");
        assertThat(post("/settings", "{\"A\": 1, \"B\": [1, 2.5, null]}").statusCode()).isEqualTo(200);
        assertThat(ServerHarness.text(server.get("/settings"))).isEqualTo("{\"Comfy.Color\":\"red\",\"A\":1,\"B\":[1,2.5,null]}");
        assertThat(ServerHarness.text(server.get("/settings/Never.Set"))).isEqualTo("null");
        assertThat(Files.readString(base.resolve("user/default/comfy.settings.json")))
                .isEqualTo("{\n    \"Comfy.Color\": \"red\",\n    \"A\": 1,\n    \"B\": [\n        1,\n        2.5,\n        null\n    ]\n}");
        assertThat(post("/settings", "{bad").statusCode()).isEqualTo(400);
        assertThat(post("/settings", "[1]").statusCode()).isEqualTo(400);
        assertThat(ServerHarness.text(server.get("/users"))).isEqualTo("{\"storage\":\"server\",\"migrated\":true}");
    }

    @Test
    void usersCanBeCreatedButNotDuplicated() throws Exception {
        HttpResponse<byte[]> created = post("/users", "{\"username\": \"Ann Lee!\"}");
        assertThat(ServerHarness.text(created)).matches("\"Ann-Lee-_[0-9a-f-]{36}\"");
        assertThat(Files.readString(base.resolve("user/users.json"))).contains("\"default\":\"default\"").contains("Ann Lee!");
        HttpResponse<byte[]> dup = post("/users", "{\"username\": \"default\"}");
        assertThat(dup.statusCode()).isEqualTo(400);
        assertThat(ServerHarness.text(dup)).isEqualTo("{\"error\":\"Duplicate username.\"}");
        assertThat(post("/users", "{}").statusCode()).isEqualTo(400);
    }

    @Test
    void userdataFileLifecycle() throws Exception {
        assertThat(ServerHarness.text(post("/userdata/wf%2Fa.json", "{\"conf\": 1}"))).isEqualTo("\"wf/a.json\"");
        assertThat(ServerHarness.text(server.get("/userdata/wf%2Fa.json"))).isEqualTo("{\"conf\": 1}");
        HttpResponse<byte[]> conflict = post("/userdata/wf%2Fa.json?overwrite=false", "{}");
        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(ServerHarness.text(conflict)).isEqualTo("File already exists");
        // %252F reaches the route as %2F and is decoded a second time.
        assertThat(ServerHarness.text(post("/userdata/wf%252Fsub%252Fb.json?full_info=true", "xy")))
                .matches("\\{\"path\":\"wf/sub/b.json\",\"size\":2,\"modified\":[0-9.e+]+,\"created\":[0-9.e+]+}");
        Files.writeString(base.resolve("user/default/wf/.hidden"), "h");
        assertThat(ServerHarness.text(server.get("/userdata?dir=wf"))).isEqualTo("[\"a.json\"]");
        assertThat(ServerHarness.text(server.get("/userdata?dir=wf&recurse=true"))).isEqualTo("[\"a.json\",\"sub/b.json\"]");
        assertThat(ServerHarness.text(server.get("/userdata?dir=wf&recurse=true&split=true")))
                .isEqualTo("[[\"a.json\",\"a.json\"],[\"sub/b.json\",\"sub\",\"b.json\"]]");
        assertThat(ServerHarness.text(server.get("/v2/userdata?path=wf")))
                .startsWith("[{\"name\":\"sub\",\"path\":\"wf/sub\",\"type\":\"directory\"},{\"name\":\".hidden\",\"path\":\"wf/.hidden\",\"type\":\"file\",\"size\":1,");
        assertThat(ServerHarness.text(server.send("POST", "/userdata/wf%2Fa.json/move/wf%2Fc.json", null, null)))
                .isEqualTo("\"wf/c.json\"");
        assertThat(server.get("/userdata/wf%2Fa.json").statusCode()).isEqualTo(404);
        HttpResponse<byte[]> deleted = server.send("DELETE", "/userdata/wf%2Fc.json", null, null);
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(server.send("DELETE", "/userdata/wf%2Fc.json", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void userdataErrorsAndTraversal() throws Exception {
        Files.writeString(base.resolve("user/outside.json"), "{}");
        assertThat(ServerHarness.text(server.get("/userdata"))).isEqualTo("Directory not provided");
        HttpResponse<byte[]> escape = server.get("/userdata?dir=..%2F..");
        assertThat(escape.statusCode()).isEqualTo(403);
        assertThat(ServerHarness.text(escape)).isEqualTo("Invalid directory");
        assertThat(ServerHarness.text(server.get("/userdata?dir=nope"))).isEqualTo("Directory not found");
        assertThat(server.get("/userdata/..%2Foutside.json").statusCode()).isEqualTo(403);
        assertThat(server.get("/userdata/%252E%252E%252Foutside.json").statusCode()).isEqualTo(403);
        assertThat(server.get("/userdata/%2Fetc%2Fpasswd").statusCode()).isEqualTo(403);
        assertThat(post("/api/userdata/..%2Fplanted.json", "x").statusCode()).isEqualTo(403);
        assertThat(Files.exists(base.resolve("user/planted.json"))).isFalse();
        post("/userdata/ok.json", "{}");
        assertThat(server.send("POST", "/userdata/ok.json/move/..%2F..%2Fplanted.json", null, null).statusCode()).isEqualTo(403);
        assertThat(ServerHarness.text(server.get("/v2/userdata?path=..%2F.."))).isEqualTo("Invalid path requested");
        assertThat(ServerHarness.text(server.get("/v2/userdata?path=nope"))).isEqualTo("Requested path not found");
        assertThat(ServerHarness.text(server.get("/v2/userdata?path=ok.json"))).isEqualTo("Requested path is not a directory");
        // A symlink inside the user root that points out of it is refused like "..".
        Files.createSymbolicLink(base.resolve("user/default/out"), base);
        assertThat(server.get("/userdata/out%2Fsecret").statusCode()).isEqualTo(403);
        assertThat(post("/userdata/out%2Fplanted.json", "x").statusCode()).isEqualTo(403);
        assertThat(Files.exists(base.resolve("planted.json"))).isFalse();
    }
}
