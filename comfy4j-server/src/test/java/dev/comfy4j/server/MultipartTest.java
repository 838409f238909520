package dev.comfy4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** multipart/form-data parsing as aiohttp reads upload bodies. */
class MultipartTest {
    @Test
    void multipartParsesFieldsFilesAndQuotedNames() {
        byte[] body = Multipart.build("b0undary", List.of(
                new Multipart.Part("image", "a \"q\".png", "image/png", new byte[] {1, 2, 3}),
                new Multipart.Part("type", null, null, "temp".getBytes()),
                new Multipart.Part("empty", "e.bin", null, new byte[0])));
        List<Multipart.Part> parts = Multipart.parse(body, "b0undary", 100);
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0).data()).containsExactly(1, 2, 3);
        assertThat(parts.get(1).isFile()).isFalse();
        assertThat(parts.get(1).text()).isEqualTo("temp");
        assertThat(parts.get(2).isFile()).isTrue();
        assertThat(parts.get(2).data()).isEmpty();
        assertThat(Multipart.boundary("multipart/form-data; boundary=\"x y\"")).hasValue("x y");
        assertThat(Multipart.boundary("application/json")).isEmpty();
        assertThat(Multipart.param("form-data; name=\"f\"; filename*=UTF-8''na%C3%AFve.png", "filename")).isEqualTo("na\u00efve.png");
    }
}
