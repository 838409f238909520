package dev.comfy4j.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The forms credentials take in log text. */
class SecretMaskTest {
    @Test
    void jsonPythonQueryAndHeaderForms() {
        assertThat(SecretMask.mask("{\"extra_data\": {\"auth_token_comfy_org\": \"abc\", \"x\": \"keep\"}}"))
                .isEqualTo("{\"extra_data\": {\"auth_token_comfy_org\": \"***\", \"x\": \"keep\"}}");
        assertThat(SecretMask.mask("{\\\"api_key_comfy_org\\\": \\\"abc\\\"}")).isEqualTo("{\\\"api_key_comfy_org\\\": \\\"***\\\"}");
        assertThat(SecretMask.mask("{'db_password': 'abc', 'seed': 5}")).isEqualTo("{'db_password': '***', 'seed': 5}");
        assertThat(SecretMask.mask("GET /queue?token=abc&x=1")).isEqualTo("GET /queue?token=***&x=1");
        assertThat(SecretMask.mask("Authorization: Bearer abc.def")).isEqualTo("Authorization: ***");
        assertThat(SecretMask.mask("{\"client_secret\": 12345}")).isEqualTo("{\"client_secret\": ***}");
        assertThat(SecretMask.mask("{\"api_key\": \"unterminated")).isEqualTo("{\"api_key\": \"***");
        assertThat(SecretMask.mask("{\"token\": null}")).isEqualTo("{\"token\": null}");
        assertThat(SecretMask.mask("Prompt executed in 1.23 seconds")).isEqualTo("Prompt executed in 1.23 seconds");
    }

    @Test
    void jettyBufferDumpsAreHiddenWhole() {
        String dump = "DEBUG HttpParser - parseNext s=CONTENT jn.DirectByteBuffer@50c89fdd[p=255,l=552,c=8192,r=297]="
                + "{POST /pro...son\\r\\n\\r\\n<<<{\"prompt\": {\"1\": {\"class_...\": \"pw-0c3e11\"}}>>>\\x00\\x00...\\x00} tail";
        assertThat(SecretMask.mask(dump)).isEqualTo("DEBUG HttpParser - parseNext s=CONTENT jn.DirectByteBuffer@50c89fdd"
                + "[p=255,l=552,c=8192,r=297]={<<<bytes hidden>>>} tail");
    }
}
