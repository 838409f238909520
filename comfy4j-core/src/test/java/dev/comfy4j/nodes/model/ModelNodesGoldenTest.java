package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.model.ModelFamily;
import dev.comfy4j.model.SafetensorsFile;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.model.unet.CfgDenoiser;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeCatalogue;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.nodes.latent.Latent;
import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.support.TestServices;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model nodes as a workflow runs them (CheckpointLoaderSimple's handles into CLIPTextEncode,
 * CLIPSetLastLayer, VAEDecode and VAEEncode) against ComfyUI 0.3.64's numbers on the random SD1.5
 * checkpoint (shared/golden/numeric), within the README's tolerances.
 */
class ModelNodesGoldenTest {
    @TempDir static Path base;
    private static NodeServices services;
    private static NodeRegistry nodes;
    private static List<Object> checkpoint;

    @BeforeAll
    static void load() throws Exception {
        ModelFolder.layOut(base);
        services = TestServices.over(base);
        nodes = NodeCatalogue.registry(services);
        checkpoint = run("CheckpointLoaderSimple", Map.of("ckpt_name", TestCheckpoints.SD15_NAME));
    }

    @AfterAll
    static void close() {
        if (services != null) services.models().close();
    }

    @Test
    void clipTextEncodeAndClipSkipMatchComfyUi() throws Exception {
        JsonNode prompts = SharedFiles.json("golden/numeric/spec.json").get("clip").get("prompts");
        Object skipped = run("CLIPSetLastLayer", Map.of("clip", checkpoint.get(1), "stop_at_clip_layer", -2L)).getFirst();
        try (SafetensorsFile golden = SafetensorsFile.open(SharedFiles.require("golden/numeric/clip.safetensors"))) {
            for (int i = 0; i < prompts.size(); i++) {
                for (String layer : List.of("default", "layer-2")) {
                    Object clip = layer.equals("default") ? checkpoint.get(1) : skipped;
                    var cond = (Conditioning) run("CLIPTextEncode", Map.of("clip", clip, "text", prompts.get(i).asText())).getFirst();
                    String key = "clip/" + layer + "/p" + i + "/";
                    assertThat(relL2(cond.get(0).cond(), golden.tensor(key + "cond"))).as(key + "cond").isLessThan(1e-5);
                    assertThat(relL2(cond.get(0).pooledOutput(), golden.tensor(key + "pooled"))).as(key + "pooled").isLessThan(1e-5);
                }
            }
        }
    }

    @Test
    void vaeDecodeAndEncodeMatchComfyUi() throws Exception {
        try (SafetensorsFile golden = SafetensorsFile.open(SharedFiles.require("golden/numeric/vae.safetensors"))) {
            Tensor latent = golden.tensor("vae/input/latent");
            var image = (Tensor) run("VAEDecode", Map.of("samples", Latent.of(latent), "vae", checkpoint.get(2))).getFirst();
            assertThat(relL2(image, golden.tensor("vae/decode/image"))).isLessThan(5e-5);

            Tensor pixels = golden.tensor("vae/input/image");
            Object encoded = run("VAEEncode", Map.of("pixels", pixels, "vae", checkpoint.get(2))).getFirst();
            assertThat(relL2(((Latent) encoded).samples(), golden.tensor("vae/encode/latent"))).isLessThan(5e-5);
        }
    }

    /** MODEL and both conditionings straight from the nodes, through ComfyUI's CFG (case 0: p0 vs p1, cfg 7.5). */
    @Test
    void theModelOutputDenoisesAsComfyUiWithTheNodesConditionings() throws Exception {
        JsonNode prompts = SharedFiles.json("golden/numeric/spec.json").get("clip").get("prompts");
        JsonNode params = null;
        for (JsonNode e : SharedFiles.json("golden/numeric/manifest.json").get("entries")) {
            if (e.get("key").asText().equals("unet/cfg_case0/denoised")) params = e.get("params");
        }
        var positive = (Conditioning) run("CLIPTextEncode", Map.of("clip", checkpoint.get(1), "text", prompts.get(0).asText())).getFirst();
        var negative = (Conditioning) run("CLIPTextEncode", Map.of("clip", checkpoint.get(1), "text", prompts.get(1).asText())).getFirst();
        var model = (ModelHandle) checkpoint.get(0);
        assertThat(model.architecture().family()).isEqualTo(ModelFamily.SD1);
        try (SafetensorsFile golden = SafetensorsFile.open(SharedFiles.require("golden/numeric/unet.safetensors"));
             var lease = model.acquire(); TensorScope ignored = TensorScope.open()) {
            Tensor sigma = Tensor.fromFloats(new float[] {(float) params.get("sigma").asDouble()}, 1);
            Tensor denoised = new CfgDenoiser().denoise(lease.model().get(), golden.tensor("unet/input/x"), sigma,
                    positive.get(0).cond(), negative.get(0).cond(), params.get("cfg").asDouble(7.5));
            assertThat(relL2(denoised, golden.tensor("unet/cfg_case0/denoised"))).isLessThan(5e-5);
        }
    }

    static List<Object> run(String type, Map<String, Object> inputs) throws Exception {
        Node node = nodes.get(type).factory().get();
        return node.execute(NodeInputs.of(inputs), new RecordingContext()).values();
    }

    /** The golden comparison, with the shapes checked first. */
    static double relL2(Tensor ours, Tensor golden) {
        assertThat(ours.shape()).containsExactly(golden.shape());
        return RelativeL2.of(ours, golden);
    }
}
