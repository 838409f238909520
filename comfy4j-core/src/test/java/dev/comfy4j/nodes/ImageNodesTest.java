package dev.comfy4j.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.files.Folders;
import dev.comfy4j.imaging.PngText;
import dev.comfy4j.json.Json;
import dev.comfy4j.nodes.image.EmptyImage;
import dev.comfy4j.nodes.image.ImageInvert;
import dev.comfy4j.imaging.PilLanczos;
import dev.comfy4j.nodes.image.SaveImage;
import dev.comfy4j.nodes.latent.LatentCrop;
import dev.comfy4j.nodes.mask.FeatherMask;
import dev.comfy4j.nodes.mask.GrowMask;
import dev.comfy4j.nodes.mask.ImageColorToMask;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small cases computed by hand, and the EmptyImage -> ImageInvert -> SaveImage smoke file of ComfyUI. */
class ImageNodesTest {
    @TempDir
    Path base;

    private static final NodeContext CONTEXT = new GoldenCases.GoldenContext(null, null);

    private static Object run(Node node, Map<String, Object> inputs) throws Exception {
        return node.execute(NodeInputs.of(inputs), CONTEXT).values().getFirst();
    }

    @Test
    void emptyImageSplitsTheColourIntoChannels() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor t = (Tensor) run(new EmptyImage(), Map.of("width", 2L, "height", 1L, "batch_size", 1L, "color", 0xFF8000L));
            assertThat(t.shape()).containsExactly(1, 1, 2, 3);
            assertThat(t.toFloatArray()).containsExactly(1f, 128 / 255f, 0f, 1f, 128 / 255f, 0f);
        }
    }

    @Test
    void invertIsOneMinus() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor t = (Tensor) run(new ImageInvert(), Map.of("image", Tensor.fromFloats(new float[] {0f, 0.25f, 1f}, 1, 1, 1, 3)));
            assertThat(t.toFloatArray()).containsExactly(1f, 0.75f, 0f);
        }
    }

    @Test
    void lanczosKeepsAConstantImageAndSizesItRight() {
        byte[] grey = new byte[5 * 3];
        java.util.Arrays.fill(grey, (byte) 77);
        byte[] out = PilLanczos.resize(grey, 5, 3, 1, 9, 7);
        assertThat(out).hasSize(63);
        for (byte b : out) assertThat(b & 0xff).isEqualTo(77);
    }

    @Test
    void colourToMaskMatchesRoundedPixels() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor image = Tensor.fromFloats(new float[] {1f, 0.5f, 0f, 1f, 0.49f, 0f}, 1, 1, 2, 3);
            Tensor m = (Tensor) run(new ImageColorToMask(), Map.of("image", image, "color", 0xFF8000L));
            // 0.5 * 255 = 127.5 rounds (half to even) to 128 = 0x80; 0.49 * 255 = 124.95 rounds to 125.
            assertThat(m.toFloatArray()).containsExactly(1f, 0f);
        }
    }

    @Test
    void featherRightStartsAtColumnZeroAsInComfyUI() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor mask = Tensor.ones(dev.comfy4j.tensor.DType.F32, 1, 1, 4);
            Tensor m = (Tensor) run(new FeatherMask(), Map.of("mask", mask, "left", 0L, "top", 0L, "right", 2L, "bottom", 0L));
            // i = 0 scales column -0 = 0 by 1/2; i = 1 scales column -1 = 3 by 2/2.
            assertThat(m.toFloatArray()).containsExactly(0.5f, 1f, 1f, 1f);
        }
    }

    @Test
    void growMaskDilatesWithACross() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            float[] v = new float[9];
            v[4] = 1f;
            Tensor m = (Tensor) run(new GrowMask(), Map.of("mask", Tensor.fromFloats(v, 1, 3, 3), "expand", 1L, "tapered_corners", true));
            assertThat(m.toFloatArray()).containsExactly(0f, 1f, 0f, 1f, 1f, 1f, 0f, 1f, 0f);
        }
    }

    @Test
    void latentCropWorksInPixelUnits() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor s = Tensor.arange(0, 16 * 16, 1, dev.comfy4j.tensor.DType.F32).reshape(1, 1, 16, 16);
            Object out = run(new LatentCrop(), Map.of("samples", dev.comfy4j.nodes.latent.Latent.of(s), "width", 16L, "height", 8L, "x", 16L, "y", 8L));
            Tensor t = ((dev.comfy4j.nodes.latent.Latent) out).samples();
            assertThat(t.shape()).containsExactly(1, 1, 1, 2);
            assertThat(t.toFloatArray()).containsExactly(16 + 2f, 16 + 3f);
        }
    }

    /** ComfyUI's own output for this prompt: pixels identical, tEXt prompt parsing to the same JSON. */
    @Test
    void smokeInvertMatchesComfyUIsFile() throws Exception {
        Path expectedPng = SharedFiles.require("golden/comfyui/smoke_invert.png");
        JsonNode history = SharedFiles.json("golden/comfyui/history_entry_invert.json");
        ObjectNode prompt = (ObjectNode) history.elements().next().get("prompt").get(2);
        try (Folders folders = Folders.create(ServerConfig.defaults(base)); TensorScope ignored = TensorScope.open()) {
            JsonNode empty = prompt.get("1").get("inputs");
            Tensor image = (Tensor) run(new EmptyImage(), Map.of("width", empty.get("width").asLong(), "height", empty.get("height").asLong(),
                    "batch_size", 1L, "color", empty.get("color").asLong()));
            Tensor inverted = (Tensor) run(new ImageInvert(), Map.of("image", image));
            var context = new GoldenCases.GoldenContext(prompt, null);
            NodeResult r = new SaveImage(folders).execute(NodeInputs.of(Map.of("images", inverted, "filename_prefix", "peer_invert")), context);
            String name = r.ui().get("images").get(0).get("filename").asText();
            byte[] ours = Files.readAllBytes(folders.output().resolve(name));
            BufferedImage a = ImageIO.read(folders.output().resolve(name).toFile());
            BufferedImage b = ImageIO.read(expectedPng.toFile());
            assertThat(a.getWidth()).isEqualTo(b.getWidth());
            assertThat(a.getHeight()).isEqualTo(b.getHeight());
            for (int y = 0; y < a.getHeight(); y++) {
                for (int x = 0; x < a.getWidth(); x++) assertThat(a.getRGB(x, y)).isEqualTo(b.getRGB(x, y));
            }
            Map<String, String> theirs = PngText.read(Files.readAllBytes(expectedPng));
            assertThat(Json.parse(PngText.read(ours).get("prompt"))).isEqualTo(Json.parse(theirs.get("prompt")));
        }
    }
}
