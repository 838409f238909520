package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.patch.PatchableComponent;
import dev.comfy4j.model.sd.ClipHandle;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeCatalogue;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.support.TestServices;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoraLoader on an SDXL checkpoint (the random one, {@link SdxlLoraTest}; a tiny one, {@link SdxlLoraTinyTest}) with a
 * LoRA file written here, a few layers in each key style ComfyUI
 * maps for SDXL: kohya {@code lora_unet_*} under LDM and diffusers block names, PEFT {@code unet.*}, kohya
 * {@code lora_te1_*} and {@code lora_te_*} (CLIP-L), {@code lora_te2_*} (CLIP-G, a q/k/v slice of open_clip's fused
 * {@code in_proj_weight}, and {@code text_projection}), diffusers {@code text_encoder.*} and {@code text_encoder_2.*}.
 * Every patched weight is checked against W + strength * alpha / rank * up @ down computed here in double precision
 * from the checkpoint's own tensors (their sizes too), and every other weight must be the checkpoint's, untouched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SdxlLoraCases {
    private static final double STRENGTH_MODEL = 0.75;
    private static final double STRENGTH_CLIP = -1.5;
    private static final String U = "model.diffusion_model.";
    private static final String L = "conditioner.embedders.0.transformer.text_model.";
    private static final String G = "conditioner.embedders.1.model.";
    private static final String GV = "clip_g.transformer.";
    private Path base;
    private NodeServices services;
    private NodeRegistry nodes;
    private List<Object> checkpoint;
    private List<Object> patched;
    /** The expected patches: the target's key (as the component names it) and how to read its base weight. */
    private final List<Expected> model = new ArrayList<>();
    private final List<Expected> clip = new ArrayList<>();
    private StateDict file;

    /** One layer of the LoRA: its factors, and where the patched weight is and what it was before. */
    record Expected(String target, Function<StateDict, Tensor> original, float[] up, float[] down, int rank, double alpha) {}

    /** Lays the checkpoint out in {@code base/models/checkpoints} and returns its name. */
    abstract String layOut(Path base) throws Exception;

    @BeforeAll
    void load(@TempDir Path folder) throws Exception {
        base = folder;
        String name = layOut(base);
        services = TestServices.over(base);
        nodes = NodeCatalogue.registry(services);
        checkpoint = run("CheckpointLoaderSimple", Map.of("ckpt_name", name));
        var lease = services.models().checkpoint(base.resolve("models/checkpoints").resolve(name));
        file = lease.model().stateDict();
        try (lease) {
            writeLora();
        }
        file = null;
        patched = run("LoraLoader", Map.of("model", checkpoint.get(0), "clip", checkpoint.get(1),
                "lora_name", "sdxl_styles.safetensors", "strength_model", STRENGTH_MODEL, "strength_clip", STRENGTH_CLIP));
    }

    private void writeLora() throws Exception {
        Map<String, Tensor> lora = new LinkedHashMap<>();
        Random random = new Random(7);
        // UNet: kohya under LDM names, kohya under diffusers names, PEFT under diffusers names.
        layer(lora, random, model, "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q", Style.KOHYA, 4, 2.0,
                U + "input_blocks.4.1.transformer_blocks.0.attn1.to_q.weight", raw(U + "input_blocks.4.1.transformer_blocks.0.attn1.to_q.weight"));
        layer(lora, random, model, "lora_unet_down_blocks_2_attentions_1_transformer_blocks_3_ff_net_2", Style.KOHYA, 4, 1.0,
                U + "input_blocks.8.1.transformer_blocks.3.ff.net.2.weight", raw(U + "input_blocks.8.1.transformer_blocks.3.ff.net.2.weight"));
        layer(lora, random, model, "unet.up_blocks.0.attentions.2.transformer_blocks.9.attn2.processor.to_k", Style.PEFT, 4, Double.NaN,
                U + "output_blocks.2.1.transformer_blocks.9.attn2.to_k.weight", raw(U + "output_blocks.2.1.transformer_blocks.9.attn2.to_k.weight"));
        // CLIP-L: lora_te1_, lora_te_ (both CLIP-L on SDXL) and diffusers' text_encoder.
        layer(lora, random, clip, "lora_te1_text_model_encoder_layers_3_self_attn_q_proj", Style.KOHYA, 4, 2.0,
                L + "encoder.layers.3.self_attn.q_proj.weight", raw(L + "encoder.layers.3.self_attn.q_proj.weight"));
        layer(lora, random, clip, "lora_te_text_model_encoder_layers_5_self_attn_out_proj", Style.KOHYA, 2, 1.0,
                L + "encoder.layers.5.self_attn.out_proj.weight", raw(L + "encoder.layers.5.self_attn.out_proj.weight"));
        layer(lora, random, clip, "text_encoder.text_model.encoder.layers.7.mlp.fc1", Style.PEFT, 4, Double.NaN,
                L + "encoder.layers.7.mlp.fc1.weight", raw(L + "encoder.layers.7.mlp.fc1.weight"));
        // CLIP-G: k_proj is the middle third of the rows of open_clip's fused in_proj_weight; text_projection.weight is P transposed.
        layer(lora, random, clip, "lora_te2_text_model_encoder_layers_10_self_attn_k_proj", Style.KOHYA, 4, 3.0,
                GV + "text_model.encoder.layers.10.self_attn.k_proj.weight",
                sd -> middleThird(sd.get(G + "transformer.resblocks.10.attn.in_proj_weight")));
        layer(lora, random, clip, "text_encoder_2.text_model.encoder.layers.20.mlp.fc2", Style.PEFT, 4, Double.NaN,
                GV + "text_model.encoder.layers.20.mlp.fc2.weight", raw(G + "transformer.resblocks.20.mlp.c_proj.weight"));
        layer(lora, random, clip, "lora_te2_text_projection", Style.KOHYA, 4, 4.0,
                GV + "text_projection.weight", sd -> sd.get(G + "text_projection").transpose(0, 1));
        Path loras = java.nio.file.Files.createDirectories(base.resolve("models/loras"));
        SafetensorsWriter.write(loras.resolve("sdxl_styles.safetensors"), lora, Map.of());
        lora.values().forEach(Tensor::close);
    }

    @AfterAll
    void close() {
        if (services != null) services.models().close();
    }

    @Test
    void theUnetWeightsAreWPlusTheLoraProductAndNoOtherChanges() throws Exception {
        var handle = (ModelHandle) patched.getFirst();
        check(handle, model, STRENGTH_MODEL);
    }

    @Test
    void bothTextEncodersArePatchedAndNoOtherWeightChanges() throws Exception {
        var handle = (ClipHandle) patched.get(1);
        assertThat(handle.encoders()).hasSize(2);
        int checked = 0;
        for (PatchableComponent encoder : handle.encoders()) {
            List<Expected> own = clip.stream().filter(e -> e.target().startsWith(GV) == !encoder.equals(handle)).toList();
            check(encoder, own, STRENGTH_CLIP);
            checked += own.size();
        }
        assertThat(checked).isEqualTo(clip.size());
    }

    @Test
    void thePatchedClipEncodesDifferentlyFromTheCheckpoints() throws Exception {
        String text = "a lighthouse at dusk";
        var before = (Conditioning) run("CLIPTextEncode", Map.of("clip", checkpoint.get(1), "text", text)).getFirst();
        var after = (Conditioning) run("CLIPTextEncode", Map.of("clip", patched.get(1), "text", text)).getFirst();
        // cond is cat(l, g) along the channels; pooled is CLIP-G's, as wide as its part.
        long width = before.get(0).cond().size(2);
        long g = before.get(0).pooledOutput().size(1);
        assertThat(after.get(0).cond().shape()).containsExactly(1, 77, width);
        // CLIP-L's patched layers change the first channels, CLIP-G's the rest and the pooled output.
        assertThat(maxDifference(after.get(0).cond().narrow(2, 0, width - g), before.get(0).cond().narrow(2, 0, width - g))).isGreaterThan(1e-4);
        assertThat(maxDifference(after.get(0).cond().narrow(2, width - g, g), before.get(0).cond().narrow(2, width - g, g))).isGreaterThan(1e-4);
        assertThat(maxDifference(after.get(0).pooledOutput(), before.get(0).pooledOutput())).isGreaterThan(1e-4);
    }

    private static double maxDifference(Tensor a, Tensor b) {
        try (TensorScope ignored = TensorScope.open()) {
            return a.sub(b).abs().amax().item();
        }
    }

    /** Patches {@code component}'s weights as a load would, and compares them with the independent calculation. */
    private void check(PatchableComponent component, List<Expected> expected, double strength) throws Exception {
        try (var lease = services.models().checkpoint(component.file()); TensorScope ignored = TensorScope.open()) {
            StateDict file = lease.model().stateDict();
            try (StateDict view = component.weightsView(file); StateDict result = component.patches().applyTo(view, component)) {
                for (Expected e : expected) {
                    float[] w = e.original().apply(file).to(DType.F32).contiguous().toFloatArray();
                    float[] got = result.get(e.target()).toFloatArray();
                    assertThat(got).as(e.target()).hasSameSizeAs(w);
                    int out = e.up().length / e.rank();
                    int in = e.down().length / e.rank();
                    double scale = strength * (Double.isNaN(e.alpha()) ? 1.0 : e.alpha() / e.rank());
                    double worst = 0;
                    for (int i = 0; i < out; i++) {
                        for (int j = 0; j < in; j++) {
                            double product = 0;
                            for (int k = 0; k < e.rank(); k++) product += (double) e.up()[i * e.rank() + k] * e.down()[k * in + j];
                            double want = w[i * in + j] + scale * product;
                            worst = Math.max(worst, Math.abs(got[i * in + j] - want));
                        }
                    }
                    assertThat(worst).as(e.target()).isLessThan(2e-6);
                    assertThat(Math.abs(got[0] - w[0]) + Math.abs(got[got.length - 1] - w[w.length - 1])).as(e.target() + " changed")
                            .isGreaterThan(0);
                }
                List<String> changed = result.keys().stream().filter(k -> result.get(k) != view.get(k)).toList();
                assertThat(changed).containsExactlyInAnyOrderElementsOf(expected.stream().map(Expected::target).toList());
            }
        }
    }

    private enum Style { KOHYA, PEFT }

    private void layer(Map<String, Tensor> lora, Random random, List<Expected> into, String name, Style style,
                       int rank, double alpha, String target, Function<StateDict, Tensor> original) {
        long[] shape;
        try (TensorScope ignored = TensorScope.open()) {
            shape = original.apply(file).shape();
        }
        int out = (int) shape[0];
        int in = (int) shape[1];
        float[] up = values(random, out * rank);
        float[] down = values(random, rank * in);
        String upKey = style == Style.KOHYA ? ".lora_up.weight" : ".lora_B.weight";
        String downKey = style == Style.KOHYA ? ".lora_down.weight" : ".lora_A.weight";
        lora.put(name + upKey, Tensor.fromFloats(up, out, rank).escapeScope());
        lora.put(name + downKey, Tensor.fromFloats(down, rank, in).escapeScope());
        if (!Double.isNaN(alpha)) lora.put(name + ".alpha", Tensor.fromFloats(new float[] {(float) alpha}).escapeScope());
        into.add(new Expected(target, original, up, down, rank, alpha));
    }

    private static float[] values(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (random.nextGaussian() * 0.05);
        return v;
    }

    private static Tensor middleThird(Tensor fused) {
        long rows = fused.size(0) / 3;
        return fused.narrow(0, rows, rows);
    }

    private static Function<StateDict, Tensor> raw(String key) {
        return sd -> sd.get(key);
    }

    List<Object> run(String type, Map<String, Object> inputs) throws Exception {
        Node node = nodes.get(type).factory().get();
        return node.execute(NodeInputs.of(inputs), new RecordingContext()).values();
    }
}
