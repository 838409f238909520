package dev.comfy4j.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.support.TestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load nodes read only files inside their folder (issue 13 item 2): a name that climbs out with
 * {@code ..}, an absolute path or a symlink that points outside is refused at {@code POST /prompt} with
 * ComfyUI's value_not_in_list error, whether or not the file outside exists; a subfolder name works.
 */
class LoadNodesStayInTheirFoldersTest {
    @TempDir Path base;
    private TestServer server;
    private Path secret;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(TestServer.config(base));
        secret = base.resolve("secret.png"); // beside input/, not in it
        Files.write(secret, png(3, 2));
        Files.writeString(base.resolve("secret.latent"), "not read");
        Path input = base.resolve("input");
        Files.createDirectories(input.resolve("sub"));
        Files.write(input.resolve("sub/ok.png"), png(4, 5));
        Files.write(input.resolve("here.png"), png(1, 1));
        Files.createSymbolicLink(input.resolve("link.png"), secret);
        Files.createSymbolicLink(input.resolve("linked"), base);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void namesThatLeaveTheInputFolderAreNotInTheList() throws Exception {
        for (String name : new String[] {"../secret.png", secret.toString(), "link.png", "linked/secret.png",
                "sub/../../secret.png", "../missing.png", "/nonexistent/missing.png"}) {
            JsonNode error = refusedInput(loadImage("LoadImage", name, "PreviewImage", "images"), "1");
            assertThat(error.get("type").asText()).as(name).isEqualTo("value_not_in_list");
            assertThat(error.get("message").asText()).isEqualTo("Value not in list");
            // The listing shows the input folder's own images only: the link that leaves it is not offered.
            assertThat(error.get("details").asText()).isEqualTo("image: '" + name + "' not in ['here.png']");
            assertThat(error.get("extra_info").get("input_name").asText()).isEqualTo("image");
            assertThat(error.get("extra_info").get("received_value").asText()).isEqualTo(name);
            assertThat(error.get("extra_info").get("input_config").isArray()).isTrue();
        }
    }

    @Test
    void theAnswerDoesNotTellWhetherAFileOutsideExists() throws Exception {
        String existing = server.postJson("/prompt", loadImage("LoadImage", "../secret.png", "PreviewImage", "images")).body();
        String missing = server.postJson("/prompt", loadImage("LoadImage", "../absent.png", "PreviewImage", "images")).body();
        assertThat(missing.replace("absent", "secret")).isEqualTo(existing);
        assertThat(existing).doesNotContain(Long.toString(Files.size(secret)));
    }

    @Test
    void everyLoadNodeIsConfined() throws Exception {
        assertThat(refusedInput(loadImage("LoadImageMask", "../secret.png", "MaskPreview", "mask"), "1").get("type").asText())
                .isEqualTo("value_not_in_list");
        JsonNode fromOutput = refusedInput(loadImage("LoadImageOutput", "../secret.png [output]", "PreviewImage", "images"), "1");
        assertThat(fromOutput.get("type").asText()).isEqualTo("value_not_in_list");
        assertThat(fromOutput.get("details").asText()).isEqualTo("image: '../secret.png [output]' not in []");
        ObjectNode latent = Json.object();
        ObjectNode load = latent.putObject("prompt").putObject("1");
        load.put("class_type", "LoadLatent");
        load.putObject("inputs").put("latent", "../secret.latent");
        ObjectNode save = ((ObjectNode) latent.get("prompt")).putObject("2");
        save.put("class_type", "SaveLatent");
        save.putObject("inputs").put("filename_prefix", "x").putArray("samples").add("1").add(0);
        JsonNode error = refusedInput(latent, "1");
        assertThat(error.get("type").asText()).isEqualTo("value_not_in_list");
        assertThat(error.get("details").asText()).isEqualTo("latent: '../secret.latent' not in []");
    }

    @Test
    void aMissingFileInsideKeepsComfyUIsMessage() throws Exception {
        JsonNode error = refusedInput(loadImage("LoadImage", "sub/missing.png", "PreviewImage", "images"), "1");
        assertThat(error.get("type").asText()).isEqualTo("custom_validation_failed");
        assertThat(error.get("details").asText()).isEqualTo("image - Invalid image file: sub/missing.png");
    }

    @Test
    void aSubfolderNameInsideTheFolderLoads() throws Exception {
        HttpResponse<String> r = server.postJson("/prompt", loadImage("LoadImage", "sub/ok.png", "PreviewImage", "images"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode history = server.waitForHistory(TestServer.json(r).get("prompt_id").asText());
        assertThat(history.get("status").get("status_str").asText()).isEqualTo("success");
        JsonNode image = history.get("outputs").get("2").get("images").get(0);
        assertThat(image.get("type").asText()).isEqualTo("temp");
        // The preview is the 4x5 file that was asked for.
        BufferedImage preview = ImageIO.read(base.resolve("temp").resolve(image.get("filename").asText()).toFile());
        assertThat(preview.getWidth()).isEqualTo(4);
        assertThat(preview.getHeight()).isEqualTo(5);
    }

    private JsonNode refusedInput(JsonNode body, String nodeId) {
        HttpResponse<String> r = server.postJson("/prompt", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode answer = TestServer.json(r);
        assertThat(answer.get("error").get("type").asText()).isEqualTo("prompt_outputs_failed_validation");
        JsonNode errors = answer.get("node_errors").get(nodeId).get("errors");
        assertThat(errors).hasSize(1);
        return errors.get(0);
    }

    private static ObjectNode loadImage(String loader, String name, String consumer, String consumerInput) {
        ObjectNode body = Json.object();
        ObjectNode prompt = body.putObject("prompt");
        ObjectNode load = prompt.putObject("1");
        load.put("class_type", loader);
        load.putObject("inputs").put("image", name);
        if (loader.equals("LoadImageMask")) ((ObjectNode) load.get("inputs")).put("channel", "alpha");
        ObjectNode use = prompt.putObject("2");
        use.put("class_type", consumer);
        use.putObject("inputs").putArray(consumerInput).add("1").add(0);
        return body;
    }

    private static byte[] png(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x336699);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
