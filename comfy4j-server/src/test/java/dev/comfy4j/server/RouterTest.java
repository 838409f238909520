package dev.comfy4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouterTest {
    private final Router.Handler a = ex -> {};
    private final Router.Handler b = ex -> {};
    private final Router router = new Router()
            .get("/prompt", a).post("/prompt", b)
            .post("/interrupt", a)
            .get("/userdata/{file}", a).post("/userdata/{file}", b).delete("/userdata/{file}", a)
            .get("/experiment/models/preview/{folder}/{index}/{filename:.*}", b)
            .addInternal("GET", "/logs", a);

    @Test
    void routesAnswerWithAndWithoutTheApiPrefix() {
        assertThat(router.resolve("GET", "/prompt")).isEqualTo(new Router.Found(a, java.util.Map.of()));
        assertThat(router.resolve("POST", "/api/prompt")).isEqualTo(new Router.Found(b, java.util.Map.of()));
        assertThat(router.resolve("HEAD", "/api/prompt")).isEqualTo(new Router.Found(a, java.util.Map.of()));
    }

    @Test
    void aKnownPathWithAnotherMethodIs405WithTheSortedAllowList() {
        assertThat(router.resolve("DELETE", "/prompt")).isEqualTo(new Router.MethodNotAllowed("GET,HEAD,POST"));
        assertThat(router.resolve("PUT", "/userdata/x.json")).isEqualTo(new Router.MethodNotAllowed("DELETE,GET,HEAD,POST"));
    }

    @Test
    void unknownPathsFallToTheWebRootForGetAnd405Otherwise() {
        assertThat(router.resolve("GET", "/interrupt")).isInstanceOf(Router.Fallback.class);
        assertThat(router.resolve("GET", "/nothing/here")).isInstanceOf(Router.Fallback.class);
        assertThat(router.resolve("POST", "/conf_unknown_route")).isEqualTo(new Router.MethodNotAllowed("GET,HEAD"));
    }

    @Test
    void trailingSlashesAreNotNormalised() {
        assertThat(router.resolve("POST", "/prompt/")).isEqualTo(new Router.MethodNotAllowed("GET,HEAD"));
    }

    @Test
    void parametersAreOneSegmentDecodedOnce() {
        var found = (Router.Found) router.resolve("GET", "/api/userdata/workflows%2Fmy%20flow.json");
        assertThat(found.params()).containsEntry("file", "workflows/my flow.json");
        assertThat(router.resolve("GET", "/userdata/a/b")).isInstanceOf(Router.Fallback.class);
        var doubly = (Router.Found) router.resolve("GET", "/userdata/a%252Fb");
        assertThat(doubly.params()).containsEntry("file", "a%2Fb");
    }

    @Test
    void aTailParameterTakesTheRestOfThePath() {
        var found = (Router.Found) router.resolve("GET", "/experiment/models/preview/loras/0/sub/x.safetensors");
        assertThat(found.params()).containsEntry("folder", "loras").containsEntry("index", "0")
                .containsEntry("filename", "sub/x.safetensors");
    }

    @Test
    void internalRoutesExistOnlyUnderInternal() {
        assertThat(router.resolve("GET", "/internal/logs")).isInstanceOf(Router.Found.class);
        assertThat(router.resolve("GET", "/api/internal/logs")).isInstanceOf(Router.Fallback.class);
        assertThat(router.resolve("GET", "/internal/nothing")).isInstanceOf(Router.NotFound.class);
        assertThat(router.resolve("POST", "/internal/logs")).isEqualTo(new Router.MethodNotAllowed("GET,HEAD"));
    }
}
