package dev.comfy4j.nodes.saving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.patch.LoraFilePatch;
import dev.comfy4j.model.patch.LoraFormat;
import dev.comfy4j.model.patch.MergePatch;
import dev.comfy4j.model.sd.Checkpoints;
import dev.comfy4j.model.sd.ClipHandle;
import dev.comfy4j.model.sd.LoraFiles;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.model.sd.SavedWeights;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.support.TestServices;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoraSave on a tiny SD1.5 checkpoint: the difference of a LoRA'd model and its base (ModelMergeSubtract)
 * extracted as a full_diff LoRA gives back the LoRA'd weights through LoraLoader; a standard extraction has
 * ComfyUI's keys, shapes and fp16 factors, a rank capped by the channels, and LoraLoader reads every key.
 */
class LoraSaveTest {
    private static final String UNET_LORA_KEY = "diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k";
    @TempDir static Path base;
    private static NodeServices services;
    private static Checkpoints.Components plain;
    private static Path lora;
    private static ModelHandle styled;

    @BeforeAll
    static void setUp() throws Exception {
        Path checkpoint = TinyModels.checkpoint(base);
        try (StateDict sd = ModelFiles.loadStateDict(checkpoint)) {
            lora = TinyModels.lora(base, sd.get(TinyModels.UNET_WEIGHT).shape(), sd.get(TinyModels.CLIP_WEIGHT).shape());
        }
        services = TestServices.over(base);
        plain = services.checkpoints().checkpoint(checkpoint);
        styled = plain.model().withPatch(LoraFilePatch.of(lora, 1.0));
    }

    @AfterAll
    static void tearDown() {
        if (services != null) services.models().close();
    }

    /** ModelMergeSubtract(model1, model2, multiplier 1). */
    private static ModelHandle difference(ModelHandle model1, ModelHandle model2) {
        return model1.withPatch(new MergePatch(model2, -1.0, 1.0, List.of(), List.of()));
    }

    private static Path save(String prefix, long rank, String type, boolean biasDiff, ModelHandle model, ClipHandle clip)
            throws Exception {
        Map<String, Object> in = new HashMap<>(Map.of("filename_prefix", prefix, "rank", rank, "lora_type", type, "bias_diff", biasDiff));
        if (model != null) in.put("model_diff", model);
        if (clip != null) in.put("text_encoder_diff", clip);
        new LoraSave(services).execute(NodeInputs.of(in), new SaveContext(null, null, false));
        return base.resolve("output").resolve(prefix + "_00001_.safetensors");
    }

    /** The UNet weights of {@code model} as a saved file would hold them, by key. */
    private static Map<String, float[]> weights(ModelHandle model) throws Exception {
        Map<String, float[]> out = new HashMap<>();
        try (SavedWeights w = SavedWeights.unet(model, ""); TensorScope ignored = TensorScope.open()) {
            for (var e : w.entries()) if (e.dtype().isFloatingPoint()) out.put(e.name(), e.values().get().to(DType.F32).toFloatArray());
        }
        return out;
    }

    @Test
    void aFullDiffLoraOfTheDifferenceGivesTheLoraedModelBack() throws Exception {
        Path file = save("loras/full", 8, "full_diff", true, difference(styled, plain.model()), null);
        try (StateDict saved = ModelFiles.loadStateDict(file)) {
            assertThat(saved.metadata()).isEmpty();
            assertThat(saved.keys()).allMatch(k -> k.startsWith("diffusion_model.") && (k.endsWith(".diff") || k.endsWith(".diff_b")));
            assertThat(saved.tensors().values()).allMatch(t -> t.dtype() == DType.F16);
            assertThat(saved.keys()).contains(UNET_LORA_KEY + ".diff", "diffusion_model.out.2.diff_b", "diffusion_model.out.0.diff");
        }
        Map<String, float[]> want = weights(styled);
        Map<String, float[]> got = weights(plain.model().withPatch(LoraFilePatch.of(file, 1.0)));
        Map<String, float[]> before = weights(plain.model());
        String patched = "input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight";
        assertThat(want.get(patched)).isNotEqualTo(before.get(patched));
        for (String k : want.keySet()) {
            float[] w = want.get(k), g = got.get(k);
            for (int i = 0; i < w.length; i++) {
                // The difference is stored in fp16: the weight comes back within its rounding.
                assertThat(Math.abs(g[i] - w[i])).as(k).isLessThanOrEqualTo(Math.abs(w[i]) * 2e-3f + 1e-4f);
            }
            if (!k.equals(patched)) assertThat(g).as(k).containsExactly(before.get(k));
        }
    }

    @Test
    void aStandardLoraHasComfyUisKeysAndLoraLoaderReadsEveryOne() throws Exception {
        Path file = save("loras/standard", 8, "standard", true, difference(styled, plain.model()), null);
        try (StateDict saved = ModelFiles.loadStateDict(file); TensorScope ignored = TensorScope.open()) {
            Tensor up = saved.get(UNET_LORA_KEY + ".lora_up.weight");
            Tensor down = saved.get(UNET_LORA_KEY + ".lora_down.weight");
            assertThat(up.dtype()).isEqualTo(DType.F16);
            assertThat(up.shape()).containsExactly(32, 8);
            assertThat(down.shape()).containsExactly(8, 32);
            // A 3x3 convolution: rank capped by the 4 input channels, factors in convolution shape.
            assertThat(saved.get("diffusion_model.input_blocks.0.0.lora_up.weight").shape()).containsExactly(32, 4, 1, 1);
            assertThat(saved.get("diffusion_model.input_blocks.0.0.lora_down.weight").shape()).containsExactly(4, 4, 3, 3);
            // Norm scales (1-d) as .diff, biases as .diff_b.
            assertThat(saved.keys()).contains("diffusion_model.out.0.diff", "diffusion_model.out.0.diff_b");
            // An untouched weight's difference is zero, and so are its factors.
            assertThat(saved.get("diffusion_model.out.2.lora_up.weight").to(DType.F32).abs().amax().item()).isZero();
            // The patched weight's difference is rank 4: the rank-8 product stays close to it despite the clamp.
            try (StateDict l = ModelFiles.loadStateDict(lora)) {
                Tensor delta = Functional.matmul(l.get(UNET_LORA_KEY + ".lora_up.weight"), l.get(UNET_LORA_KEY + ".lora_down.weight"))
                        .mul(TinyModels.ALPHA / TinyModels.RANK);
                Tensor product = Functional.matmul(up.to(DType.F32), down.to(DType.F32));
                double relative = product.sub(delta).pow(2).sum().sqrt().item() / delta.pow(2).sum().sqrt().item();
                assertThat(relative).isLessThan(0.3);
            }
            ModelHandle model = plain.model();
            try (var lease = services.models().checkpoint(model.file())) {
                LoraFormat format = LoraFormat.read(saved.tensors(), model.loraKeys(lease.model().stateDict()));
                assertThat(format.unusedKeys()).isEmpty();
            }
        }
        assertThat(LoraFiles.check(file, plain.model(), null).modelWeights()).isPositive();
    }

    @Test
    void aTextEncoderDifferenceGetsTextEncoderKeysAndWithoutBiasDiffNoBiases() throws Exception {
        ClipHandle styledClip = plain.clip().withPatch(LoraFilePatch.of(lora, 1.0));
        ClipHandle diff = styledClip.withPatch(new MergePatch(plain.clip(), -1.0, 1.0, List.of(),
                List.of(".position_ids", ".logit_scale")));
        Path file = save("loras/clip", 4096, "standard", false, null, diff);
        try (StateDict saved = ModelFiles.loadStateDict(file)) {
            assertThat(saved.keys()).allMatch(k -> k.startsWith("text_encoders.clip_l.transformer.text_model."));
            assertThat(saved.keys()).noneMatch(k -> k.endsWith(".diff_b") || k.endsWith(".diff"));
            // rank 4096 is capped by the 32 channels of the tiny encoder
            assertThat(saved.get("text_encoders.clip_l.transformer.text_model.encoder.layers.0.self_attn.q_proj.lora_up.weight").shape())
                    .containsExactly(32, 32);
        }
        assertThat(LoraFiles.check(file, null, plain.clip()).clipWeights()).isPositive();
    }

    @Test
    void withoutAnyInputNothingIsWritten() throws Exception {
        new LoraSave(services).execute(NodeInputs.of(new HashMap<>(Map.of("filename_prefix", "loras/none", "rank", 8L,
                "lora_type", "standard", "bias_diff", true))), new SaveContext(null, null, false));
        assertThat(base.resolve("output/loras/none_00001_.safetensors")).doesNotExist();
    }
}
