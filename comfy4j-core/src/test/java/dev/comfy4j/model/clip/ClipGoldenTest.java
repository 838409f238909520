package dev.comfy4j.model.clip;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.SafetensorsFile;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.tensor.MemoryStats;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code CLIPTextEncode} of ComfyUI 0.3.64 on the random SD1.5 checkpoint
 * (shared/golden/numeric/clip.safetensors): cond and pooled of the 5 prompts at the default layer
 * and through {@code CLIPSetLastLayer(-2)}, within the suggested relative L2 error of 1e-5.
 */
class ClipGoldenTest {
    private static final double TOLERANCE = 1e-5;
    private static StateDict checkpoint;
    private static ClipTextModel model;
    private static Clip clip;

    @BeforeAll
    static void load() throws Exception {
        var path = TestCheckpoints.requireSd15();
        SharedFiles.require("golden/numeric/clip.safetensors");
        checkpoint = ModelFiles.loadStateDict(path);
        model = ClipTextModel.fromStateDict(checkpoint);
        clip = new Clip(new Sd1Tokenizer(ClipTestFiles.tokenizer(), List.of()), model);
    }

    @AfterAll
    static void close() {
        if (model != null) model.close();
        if (checkpoint != null) checkpoint.close();
    }

    @Test
    void everyPromptAtBothLayersMatchesComfyUi() throws Exception {
        JsonNode prompts = SharedFiles.json("golden/numeric/spec.json").get("clip").get("prompts");
        int checked = 0;
        try (SafetensorsFile golden = SafetensorsFile.open(SharedFiles.require("golden/numeric/clip.safetensors"))) {
            for (String layer : List.of("default", "layer-2")) {
                Clip c = layer.equals("default") ? clip : clip.withLastLayer(-2);
                for (int i = 0; i < prompts.size(); i++) {
                    try (TensorScope ignored = TensorScope.open()) {
                        ClipOutput out = c.encode(prompts.get(i).asText());
                        String key = "clip/" + layer + "/p" + i + "/";
                        Tensor cond = golden.tensor(key + "cond");
                        Tensor pooled = golden.tensor(key + "pooled");
                        assertThat(out.cond().shape()).as(key + "cond shape").containsExactly(cond.shape());
                        assertThat(out.pooled().shape()).as(key + "pooled shape").containsExactly(pooled.shape());
                        assertThat(RelativeL2.of(out.cond(), cond)).as(key + "cond rel-L2").isLessThanOrEqualTo(TOLERANCE);
                        assertThat(RelativeL2.of(out.pooled(), pooled)).as(key + "pooled rel-L2").isLessThanOrEqualTo(TOLERANCE);
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(10);
    }

    @Test
    void lastLayerMinusOneIsTheDefault() {
        try (TensorScope ignored = TensorScope.open()) {
            ClipOutput a = clip.encode("text, watermark");
            ClipOutput b = clip.withLastLayer(-1).encode("text, watermark");
            assertThat(b.cond().toFloatArray()).containsExactly(a.cond().toFloatArray());
            ClipOutput beyond = clip.withLastLayer(-24).encode("text, watermark");
            assertThat(beyond.cond().toFloatArray()).as("|layer| > 12 falls back to the last layer").containsExactly(a.cond().toFloatArray());
        }
    }

    @Test
    void repeatedEncodingKeepsMemoryFlat() {
        String prompt = "a (red:1.4) sports car on a ((wet)) road at night, (blurry:0.6), [neon]";
        for (int i = 0; i < 2; i++) encodeOnce(prompt);
        long before = MemoryStats.currentRss();
        for (int i = 0; i < 10; i++) encodeOnce(prompt);
        long growth = MemoryStats.currentRss() - before;
        // One encode makes about 30 MB of temporaries (the fp32 casts of a layer and the activations).
        assertThat(growth).as("RSS growth over 10 encodes, bytes").isLessThan(64L << 20);
    }

    private static void encodeOnce(String prompt) {
        try (TensorScope ignored = TensorScope.open()) {
            clip.encode(prompt);
        }
    }
}
