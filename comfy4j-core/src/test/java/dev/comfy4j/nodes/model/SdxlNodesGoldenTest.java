package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.model.ModelFamily;
import dev.comfy4j.model.Prediction;
import dev.comfy4j.model.SafetensorsFile;
import dev.comfy4j.model.sd.ClipHandle;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeCatalogue;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.support.TestServices;
import dev.comfy4j.tensor.Tensor;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text nodes on the random SDXL checkpoint as a workflow runs them: CheckpointLoaderSimple's SDXL
 * CLIP into CLIPTextEncode, CLIPSetLastLayer, CLIPTextEncodeSDXL and CLIPTextEncodeSDXLRefiner,
 * against ComfyUI 0.3.64's numbers (shared/golden/numeric-sdxl/clip.safetensors), rel-L2 1e-5.
 */
class SdxlNodesGoldenTest {
    private static final String SET = "golden/numeric-sdxl/";
    private static final double TOLERANCE = 1e-5;
    @TempDir static Path base;
    private static NodeServices services;
    private static NodeRegistry nodes;
    private static List<Object> checkpoint;

    @BeforeAll
    static void load() throws Exception {
        SharedFiles.require(SET + "clip.safetensors");
        ModelFolder.layOutSdxl(base);
        services = TestServices.over(base);
        nodes = NodeCatalogue.registry(services);
        checkpoint = run("CheckpointLoaderSimple", Map.of("ckpt_name", dev.comfy4j.support.TestCheckpoints.SDXL_NAME));
    }

    @AfterAll
    static void close() {
        if (services != null) services.models().close();
    }

    @Test
    void theCheckpointIsDetectedAsSdxlWithBothTextEncoders() {
        var model = (ModelHandle) checkpoint.get(0);
        assertThat(model.architecture().family()).isEqualTo(ModelFamily.SDXL);
        assertThat(model.architecture().prediction()).isEqualTo(Prediction.EPS);
        assertThat(model.architecture().standardSize()).isTrue();
        assertThat(((ClipHandle) checkpoint.get(1)).isSdxl()).isTrue();
        assertThat(checkpoint.get(2)).as("VAE").isNotNull();
    }

    @Test
    void mergesOnTheSdxlClipAreRefusedClearly() {
        var clip = (ClipHandle) checkpoint.get(1);
        var merge = new dev.comfy4j.model.patch.MergePatch(clip, 0.5, 0.5, List.of(), List.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> clip.withPatch(merge))
                .isInstanceOf(dev.comfy4j.python.PyError.class).hasMessageContaining("not supported yet");
    }

    @Test
    void clipTextEncodeAndClipSetLastLayerMatchComfyUi() throws Exception {
        JsonNode prompts = SharedFiles.json(SET + "spec.json").get("clip").get("prompts");
        Object layer3 = run("CLIPSetLastLayer", Map.of("clip", checkpoint.get(1), "stop_at_clip_layer", -3L)).getFirst();
        try (SafetensorsFile golden = SafetensorsFile.open(SharedFiles.require(SET + "clip.safetensors"))) {
            var p2 = (Conditioning) run("CLIPTextEncode", Map.of("clip", checkpoint.get(1), "text", prompts.get(2).asText())).getFirst();
            expect(golden, "clip/default/p2/", p2);
            var p0 = (Conditioning) run("CLIPTextEncode", Map.of("clip", layer3, "text", prompts.get(0).asText())).getFirst();
            expect(golden, "clip/layer-3/p0/", p0);
            // The refiner node encodes the text as CLIPTextEncode does and adds its score and size.
            var refiner = (Conditioning) run("CLIPTextEncodeSDXLRefiner", Map.of("clip", checkpoint.get(1),
                    "text", prompts.get(2).asText(), "ascore", 2.5, "width", 896L, "height", 640L)).getFirst();
            expect(golden, "clip/default/p2/", refiner);
            assertThat(refiner.get(0).options()).containsEntry("aesthetic_score", 2.5).containsEntry("width", 896L)
                    .containsEntry("height", 640L);
        }
    }

    @Test
    void clipTextEncodeSdxlMatchesComfyUiAndCarriesItsSizes() throws Exception {
        JsonNode c = SharedFiles.json(SET + "spec.json").get("clip_sdxl").get("cases").get(1); // 2-chunk text_g, 1-chunk text_l
        Map<String, Object> inputs = new HashMap<>();
        inputs.put("clip", checkpoint.get(1));
        for (String name : List.of("width", "height", "crop_w", "crop_h", "target_width", "target_height")) {
            inputs.put(name, c.get(name).asLong());
        }
        inputs.put("text_g", c.get("text_g").asText());
        inputs.put("text_l", c.get("text_l").asText());
        var cond = (Conditioning) run("CLIPTextEncodeSDXL", inputs).getFirst();
        try (SafetensorsFile golden = SafetensorsFile.open(SharedFiles.require(SET + "clip.safetensors"))) {
            expect(golden, "clip/sdxl/" + c.get("name").asText() + "/", cond);
        }
        assertThat(cond.get(0).cond().size(1)).isEqualTo(154);
        assertThat(cond.get(0).options()).containsEntry("width", c.get("width").asLong())
                .containsEntry("target_height", c.get("target_height").asLong());
    }

    private static void expect(SafetensorsFile golden, String key, Conditioning cond) {
        assertThat(relL2(cond.get(0).cond(), golden.tensor(key + "cond"))).as(key + "cond").isLessThan(TOLERANCE);
        assertThat(relL2(cond.get(0).pooledOutput(), golden.tensor(key + "pooled"))).as(key + "pooled").isLessThan(TOLERANCE);
    }

    static List<Object> run(String type, Map<String, Object> inputs) throws Exception {
        Node node = nodes.get(type).factory().get();
        return node.execute(NodeInputs.of(inputs), new RecordingContext()).values();
    }

    static double relL2(Tensor ours, Tensor golden) {
        assertThat(ours.shape()).containsExactly(golden.shape());
        double err = RelativeL2.of(ours, golden);
        System.out.printf("rel-L2 %.3e%n", err);
        return err;
    }
}
