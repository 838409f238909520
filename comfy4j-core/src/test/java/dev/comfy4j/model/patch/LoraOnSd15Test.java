package dev.comfy4j.model.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.model.ArchitectureDetector;
import dev.comfy4j.model.ModelArchitecture;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA key names and patching on the random SD1.5 checkpoint: ComfyUI's kohya, diffusers and LDM key
 * names reach the right weights, the patched weight is the base plus the LoRA product computed here
 * independently, and a hundred apply-and-drop cycles leave the base weights bit-identical.
 */
class LoraOnSd15Test {
    private static final String UNET = "model.diffusion_model.";
    private static final String CLIP = "cond_stage_model.transformer.text_model.";
    @TempDir static Path dir;
    private static StateDict checkpoint;
    private static ModelArchitecture arch;

    private static ModelManager manager;

    /** A component of the test checkpoint, as the MODEL and CLIP handles are. */
    private record Component(String prefix, WeightPatches patches, boolean isUnet) implements PatchableComponent {
        @Override
        public ModelManager manager() {
            return manager;
        }

        @Override
        public Path file() {
            return TestCheckpoints.requireSd15();
        }

        @Override
        public Map<String, String> loraKeys(StateDict weights) {
            return isUnet ? LoraKeyMap.unet(weights.keys(), prefix, arch.unet()) : LoraKeyMap.clipL(weights.keys(), prefix);
        }
    }

    private static Component unet(WeightPatches patches) {
        return new Component(UNET, patches, true);
    }

    private static Component clip(WeightPatches patches) {
        return new Component(CLIP, patches, false);
    }

    @BeforeAll
    static void open() throws Exception {
        manager = ModelManager.create(0);
        checkpoint = ModelFiles.loadStateDict(TestCheckpoints.requireSd15());
        arch = ArchitectureDetector.detect(checkpoint);
    }

    @AfterAll
    static void close() {
        if (checkpoint != null) checkpoint.close();
        if (manager != null) manager.close();
    }

    @Test
    void comfyUisLoraKeyNamesMapToTheLdmWeights() {
        Map<String, String> unet = LoraKeyMap.unet(checkpoint.keys(), UNET, arch.unet());
        // diffusers block names (kohya) to LDM: SD1's down block 0 is input blocks 1-2, up block 3 output blocks 9-11
        assertThat(unet.get("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q"))
                .isEqualTo(UNET + "input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight");
        assertThat(unet.get("lora_unet_down_blocks_1_attentions_1_proj_in")).isEqualTo(UNET + "input_blocks.5.1.proj_in.weight");
        assertThat(unet.get("lora_unet_down_blocks_2_downsamplers_0_conv")).isEqualTo(UNET + "input_blocks.9.0.op.weight");
        assertThat(unet.get("lora_unet_mid_block_resnets_1_conv1")).isEqualTo(UNET + "middle_block.2.in_layers.2.weight");
        assertThat(unet.get("lora_unet_up_blocks_0_upsamplers_0_conv")).isEqualTo(UNET + "output_blocks.2.1.conv.weight");
        assertThat(unet.get("lora_unet_up_blocks_1_upsamplers_0_conv")).isEqualTo(UNET + "output_blocks.5.2.conv.weight");
        assertThat(unet.get("lora_unet_up_blocks_3_attentions_2_transformer_blocks_0_ff_net_2"))
                .isEqualTo(UNET + "output_blocks.11.1.transformer_blocks.0.ff.net.2.weight");
        assertThat(unet.get("unet.up_blocks.3.attentions.2.transformer_blocks.0.attn2.processor.to_out"))
                .isEqualTo(UNET + "output_blocks.11.1.transformer_blocks.0.attn2.to_out.0.weight");
        // LDM names, kohya-style and plain
        assertThat(unet.get("lora_unet_output_blocks_11_1_proj_out")).isEqualTo(UNET + "output_blocks.11.1.proj_out.weight");
        assertThat(unet.get("diffusion_model.out.2")).isEqualTo(UNET + "out.2.weight");
        assertThat(unet.get("diffusion_model.out.2.bias")).isEqualTo(UNET + "out.2.bias");
        assertThat(unet.values()).allMatch(checkpoint::contains);

        Map<String, String> clip = LoraKeyMap.clipL(checkpoint.keys(), CLIP);
        assertThat(clip.get("lora_te_text_model_encoder_layers_11_mlp_fc2")).isEqualTo(CLIP + "encoder.layers.11.mlp.fc2.weight");
        assertThat(clip.get("lora_te1_text_model_encoder_layers_0_self_attn_q_proj"))
                .isEqualTo(CLIP + "encoder.layers.0.self_attn.q_proj.weight");
        assertThat(clip.get("text_encoder.text_model.encoder.layers.3.self_attn.out_proj"))
                .isEqualTo(CLIP + "encoder.layers.3.self_attn.out_proj.weight");
        assertThat(clip.values()).allMatch(checkpoint::contains);
    }

    @Test
    void thePatchedWeightIsTheBasePlusTheLoraProductAndTheBaseNeverChanges() throws Exception {
        String target = CLIP + "encoder.layers.0.self_attn.q_proj.weight";
        int width = (int) checkpoint.get(target).size(0);
        int rank = 4;
        Random random = new Random(5);
        float[] up = new float[width * rank];
        float[] down = new float[rank * width];
        for (int i = 0; i < up.length; i++) up[i] = (float) random.nextGaussian() * 0.05f;
        for (int i = 0; i < down.length; i++) down[i] = (float) random.nextGaussian() * 0.05f;
        String key = "lora_te_text_model_encoder_layers_0_self_attn_q_proj";
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put(key + ".lora_up.weight", Tensor.fromFloats(up, width, rank).to(DType.F16));
        tensors.put(key + ".lora_down.weight", Tensor.fromFloats(down, rank, width).to(DType.F16));
        tensors.put(key + ".alpha", Tensor.fromFloats(new float[] {2.0f}));
        Path file = dir.resolve("clip_q.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of());
        // The file stores fp16: take the values it holds.
        float[] up16 = Tensor.fromFloats(up, width, rank).to(DType.F16).to(DType.F32).toFloatArray();
        float[] down16 = Tensor.fromFloats(down, rank, width).to(DType.F16).to(DType.F32).toFloatArray();

        byte[] before = checkpoint.get(target).toByteArray();
        float[] base = checkpoint.get(target).to(DType.F32).toFloatArray();
        WeightPatches stack = WeightPatches.NONE.with(LoraFilePatch.of(file, 0.8));
        for (int round = 0; round < 100; round++) {
            try (StateDict patched = stack.applyTo(checkpoint, clip(stack));
                 TensorScope ignored = TensorScope.open()) {
                assertThat(patched.get(target).dtype()).isEqualTo(DType.F32);
                String untouched = CLIP + "encoder.layers.1.self_attn.q_proj.weight";
                assertThat(patched.get(untouched)).isSameAs(checkpoint.get(untouched));
                if (round == 0) {
                    float[] got = patched.get(target).toFloatArray();
                    for (int row = 0; row < width; row += 97) {
                        for (int col = 0; col < width; col += 13) {
                            double product = 0;
                            for (int r = 0; r < rank; r++) product += up16[row * rank + r] * down16[r * width + col];
                            double expected = base[row * width + col] + 0.8 * (2.0 / rank) * product;
                            assertThat((double) got[row * width + col]).isCloseTo(expected, within(1e-5));
                        }
                    }
                }
            }
        }
        assertThat(checkpoint.get(target).toByteArray()).isEqualTo(before);
    }

    @Test
    void stackedLorasAddUpInOrder() throws Exception {
        String target = UNET + "out.2.bias";
        long n = checkpoint.get(target).numel();
        float[] d1 = new float[(int) n];
        float[] d2 = new float[(int) n];
        for (int i = 0; i < n; i++) {
            d1[i] = i * 0.01f;
            d2[i] = -i * 0.02f;
        }
        Path a = dir.resolve("diff_a.safetensors");
        Path b = dir.resolve("diff_b.safetensors");
        SafetensorsWriter.write(a, Map.of("diffusion_model.out.2.diff_b", Tensor.fromFloats(d1, n),
                "diffusion_model.out.2.diff", Tensor.zeros(DType.F32, checkpoint.get(UNET + "out.2.weight").shape())), Map.of());
        SafetensorsWriter.write(b, Map.of("lora_unet_out_2.diff_b", Tensor.fromFloats(d2, n)), Map.of());
        float[] base = checkpoint.get(target).to(DType.F32).toFloatArray();
        WeightPatches stack = WeightPatches.NONE.with(LoraFilePatch.of(a, 1.0)).with(LoraFilePatch.of(b, 0.5));
        try (StateDict patched = stack.applyTo(checkpoint, unet(stack));
             TensorScope ignored = TensorScope.open()) {
            float[] got = patched.get(target).toFloatArray();
            for (int i = 0; i < n; i++) assertThat(got[i]).isCloseTo(base[i] + d1[i] + 0.5f * d2[i], within(1e-5f));
        }
        assertThat(stack.cacheKey()).contains("diff_a.safetensors").contains("diff_b.safetensors");
        assertThat(stack.steps()).extracting(p -> ((LoraFilePatch) p).strength()).containsExactly(1.0, 0.5);
    }

    @Test
    void mergesWeighTheOtherModelsPossiblyPatchedWeightsAsComfyUisMergeNodes() throws Exception {
        String target = UNET + "out.2.bias";
        String middle = UNET + "middle_block.2.out_layers.3.bias";
        String input = UNET + "input_blocks.1.0.out_layers.3.bias";
        Map<String, Tensor> diffs = new LinkedHashMap<>();
        Map<String, float[]> diffValues = new LinkedHashMap<>();
        for (String key : List.of(target, middle, input)) {
            float[] d = new float[(int) checkpoint.get(key).numel()];
            for (int i = 0; i < d.length; i++) d[i] = 0.01f * (i % 7 + 1);
            diffValues.put(key, d);
            diffs.put("diffusion_model." + key.substring(UNET.length()).replace(".bias", ".diff_b"), Tensor.fromFloats(d, d.length));
        }
        Path file = dir.resolve("three_biases.safetensors");
        SafetensorsWriter.write(file, diffs, Map.of());
        // model2 = the same checkpoint with the three biases moved by d
        Component model2 = unet(WeightPatches.NONE.with(LoraFilePatch.of(file, 1.0)));

        // Simple, ratio r: w*r + (1-r)*(w+d) = w + (1-r)*d
        check(new MergePatch(model2, 1 - 0.3, 0.3, List.of(), List.of()), diffValues, Map.of(target, 0.7, middle, 0.7, input, 0.7));
        // Subtract, multiplier m: w*m - m*(w+d) = -m*d relative to 0, i.e. w*(m-1)... checked as the formula
        check(new MergePatch(model2, -2.0, 2.0, List.of(), List.of()), diffValues, null);
        // Blocks: the longest matching name prefix picks the ratio; "out" also covers out.2, the default is input's
        List<MergePatch.Block> blocks = List.of(new MergePatch.Block("input", 1 - 0.1, 0.1),
                new MergePatch.Block("middle", 1 - 0.5, 0.5), new MergePatch.Block("out", 1 - 0.9, 0.9));
        check(new MergePatch(model2, 1 - 0.1, 0.1, blocks, List.of()), diffValues,
                Map.of(target, 0.1, middle, 0.5, input, 0.9));
    }

    /**
     * Applies {@code merge} to the plain UNet and compares with {@code base + share * d} per key, or with
     * the general formula {@code base*m + p*(base+d)} when {@code shares} is null.
     */
    private static void check(MergePatch merge, Map<String, float[]> diffs, Map<String, Double> shares) throws Exception {
        WeightPatches patches = WeightPatches.NONE.with(merge);
        try (StateDict merged = patches.applyTo(checkpoint, unet(patches)); TensorScope ignored = TensorScope.open()) {
            for (Map.Entry<String, float[]> e : diffs.entrySet()) {
                float[] base = checkpoint.get(e.getKey()).to(DType.F32).toFloatArray();
                float[] got = merged.get(e.getKey()).toFloatArray();
                for (int i = 0; i < base.length; i++) {
                    double expected = shares != null ? base[i] + shares.get(e.getKey()) * e.getValue()[i]
                            : base[i] * merge.modelStrength() + merge.patchStrength() * (base[i] + e.getValue()[i]);
                    assertThat((double) got[i]).as(e.getKey()).isCloseTo(expected, within(1e-5));
                }
            }
            String untouchedByD = UNET + "time_embed.0.bias";
            float[] base = checkpoint.get(untouchedByD).to(DType.F32).toFloatArray();
            float[] got = merged.get(untouchedByD).toFloatArray();
            double ratioOfDefault = merge.modelStrength() + merge.patchStrength();
            for (int i = 0; i < base.length; i++) assertThat((double) got[i]).isCloseTo(base[i] * ratioOfDefault, within(1e-5));
        }
    }
}
