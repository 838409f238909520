package dev.comfy4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The examples of API spec §4. */
class OriginCheckTest {
    @Test
    void sameHostAndPortIsAllowed() {
        assertThat(OriginCheck.refuses("127.0.0.1:8188", "http://127.0.0.1:8188")).isFalse();
    }

    @Test
    void anotherNameForTheLoopbackIsRefused() {
        assertThat(OriginCheck.refuses("127.0.0.1:8188", "http://localhost:8188")).isTrue();
    }

    @Test
    void aForeignOriginIsRefused() {
        assertThat(OriginCheck.refuses("127.0.0.1:8188", "https://evil.example")).isTrue();
    }

    @Test
    void nonLoopbackHostsAreNeverChecked() {
        assertThat(OriginCheck.refuses("192.168.1.5:8188", "https://evil.example")).isFalse();
    }

    @Test
    void missingHeadersAndNullOriginSkipTheCheck() {
        assertThat(OriginCheck.refuses(null, "https://evil.example")).isFalse();
        assertThat(OriginCheck.refuses("127.0.0.1:8188", null)).isFalse();
        assertThat(OriginCheck.refuses("127.0.0.1:8188", "null")).isFalse();
    }

    @Test
    void aPortlessSideComparesHostnamesOnly() {
        assertThat(OriginCheck.refuses("127.0.0.1:8188", "http://127.0.0.1")).isFalse();
        assertThat(OriginCheck.refuses("localhost", "http://localhost:3000")).isFalse();
        assertThat(OriginCheck.refuses("LOCALHOST:8188", "http://localhost:8188")).isFalse();
    }
}
