package dev.comfy4j.model.clip;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.SafetensorsFile;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.unet.SdxlAdm;
import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SDXL text encoding of ComfyUI 0.3.64 on the random SDXL checkpoint
 * (shared/golden/numeric-sdxl/clip.safetensors): {@code CLIPTextEncode} cond and pooled of 5 prompts at
 * the default layer, through {@code CLIPSetLastLayer(-2)} and {@code (-3)}, and the
 * {@code CLIPTextEncodeSDXL} cases with their adm vectors, each within its {@code suggested_rel_l2_tol}
 * of the manifest.
 */
class SdxlClipGoldenTest {
    private static final String SET = "golden/numeric-sdxl/";
    private static StateDict checkpoint;
    private static ClipTextModel clipL;
    private static ClipTextModel clipG;
    private static SdxlClip clip;
    private static final Map<String, Double> TOLERANCES = new HashMap<>();

    @BeforeAll
    static void load() throws Exception {
        SharedFiles.require(SET + "clip.safetensors");
        var path = TestCheckpoints.requireSdxl();
        for (JsonNode e : SharedFiles.json(SET + "manifest.json").get("entries")) {
            if (e.has("suggested_rel_l2_tol")) TOLERANCES.put(e.get("key").asText(), e.get("suggested_rel_l2_tol").asDouble());
        }
        checkpoint = ModelFiles.loadStateDict(path);
        clipL = ClipTextModel.fromStateDict(checkpoint, "conditioner.embedders.0.transformer.text_model.");
        clipG = ClipTextModel.fromTowerView(OpenClipTowerWeights.clipG(checkpoint, "conditioner.embedders.1.model."), OpenClipTowerWeights.CLIP_G_PREFIX, true);
        clip = new SdxlClip(new SdxlTokenizer(new Sd1Tokenizer(ClipTestFiles.tokenizer(), List.of())), clipL, clipG);
    }

    @AfterAll
    static void close() {
        if (clipL != null) clipL.close();
        if (clipG != null) clipG.close();
        if (checkpoint != null) checkpoint.close();
    }

    @Test
    void theTwoEncodersHaveSdxlsShapes() {
        assertThat(clipL.layerCount()).isEqualTo(12);
        assertThat(clipL.width()).isEqualTo(768);
        assertThat(clipG.layerCount()).isEqualTo(32);
        assertThat(clipG.width()).isEqualTo(1280);
    }

    @Test
    void clipTextEncodeAtEveryLayerMatchesComfyUi() throws Exception {
        JsonNode spec = SharedFiles.json(SET + "spec.json").get("clip");
        JsonNode prompts = spec.get("prompts");
        int checked = 0;
        try (SafetensorsFile golden = SafetensorsFile.open(SharedFiles.require(SET + "clip.safetensors"))) {
            for (JsonNode encode : spec.get("encodes")) {
                JsonNode layer = encode.get("layer");
                SdxlClip c = layer.isNull() ? clip : clip.withLastLayer(layer.asInt());
                String name = layer.isNull() ? "default" : "layer" + layer.asInt();
                for (JsonNode index : encode.get("prompts")) {
                    try (TensorScope ignored = TensorScope.open()) {
                        ClipOutput out = c.encode(prompts.get(index.asInt()).asText());
                        String key = "clip/" + name + "/p" + index.asInt() + "/";
                        compare(golden, key + "cond", out.cond());
                        compare(golden, key + "pooled", out.pooled());
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(8);
    }

    /** CLIPTextEncodeSDXL: text_g and text_l in their own streams, the shorter padded with empty chunks. */
    @Test
    void clipTextEncodeSdxlCasesAndTheirAdmMatchComfyUi() throws Exception {
        int checked = 0;
        try (SafetensorsFile golden = SafetensorsFile.open(SharedFiles.require(SET + "clip.safetensors"))) {
            for (JsonNode c : SharedFiles.json(SET + "spec.json").get("clip_sdxl").get("cases")) {
                try (TensorScope ignored = TensorScope.open()) {
                    SdxlTokens tokens = clip.tokenizer().tokenizePair(c.get("text_g").asText(), c.get("text_l").asText());
                    ClipOutput out = clip.encodeFromTokens(tokens);
                    String key = "clip/sdxl/" + c.get("name").asText() + "/";
                    compare(golden, key + "cond", out.cond());
                    compare(golden, key + "pooled", out.pooled());
                    Tensor adm = SdxlAdm.encode(out.pooled(), new SdxlAdm.Sizes(c.get("width").asDouble(), c.get("height").asDouble(),
                            c.get("crop_w").asDouble(), c.get("crop_h").asDouble(), c.get("target_width").asDouble(),
                            c.get("target_height").asDouble()));
                    compare(golden, key + "adm", adm);
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(2);
    }

    private static void compare(SafetensorsFile golden, String key, Tensor ours) throws Exception {
        Tensor expected = golden.tensor(key);
        assertThat(ours.shape()).as(key + " shape").containsExactly(expected.shape());
        double tol = TOLERANCES.getOrDefault(key, 1e-5);
        double err = RelativeL2.of(ours, expected);
        System.out.printf("%s rel-L2 %.3e (tol %.1e)%n", key, err, tol);
        assertThat(err).as(key + " rel-L2").isLessThanOrEqualTo(tol);
    }
}
