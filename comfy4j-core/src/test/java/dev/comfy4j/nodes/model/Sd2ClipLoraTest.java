package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.clip.Sd2TextEncoder;
import dev.comfy4j.model.sd.ClipHandle;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoraLoader on SD2.x's text encoder (OpenCLIP ViT-H), on the sparse full-size SD2.1 checkpoint of
 * {@link Sd2CheckpointTest}: a LoRA in the key styles ComfyUI's {@code model_lora_keys_clip} maps for
 * {@code clip_h} (kohya {@code lora_te_} and {@code lora_te1_}, diffusers {@code text_encoder.*}, the generic
 * {@code text_encoders.clip_h.transformer.*}), one of them on k_proj, a slice of open_clip's fused
 * {@code in_proj_weight}. Each patched weight must equal W + strength * alpha / rank * up @ down computed here
 * in double precision, every other weight must stay the file's, and the patched projection must reach the
 * pooled output.
 */
class Sd2ClipLoraTest {
    private static final String NAME = "sd21_sparse.safetensors";
    private static final String H = Sd2TextEncoder.NAMES;
    private static final double STRENGTH = 0.8;

    /** One layer of the LoRA and the weight it patches, under ComfyUI's names. */
    private record Layer(String target, float[] up, float[] down, int rank, double alpha) {
        double scale() {
            return STRENGTH * (Double.isNaN(alpha) ? 1.0 : alpha / rank);
        }
    }

    @TempDir static Path base;
    private static NodeServices services;
    private static NodeRegistry nodes;
    private static final List<Layer> layers = new ArrayList<>();

    @BeforeAll
    static void build() throws Exception {
        Path checkpoints = Files.createDirectories(base.resolve("models/checkpoints"));
        Sd2CheckpointTest.writeSd21(checkpoints.resolve(NAME), 0.125f);
        Map<String, Tensor> lora = new LinkedHashMap<>();
        Random random = new Random(11);
        layer(lora, random, "lora_te_text_model_encoder_layers_3_self_attn_k_proj", true, 1024, 1024, 2, 1.0,
                H + "text_model.encoder.layers.3.self_attn.k_proj.weight");
        layer(lora, random, "lora_te1_text_model_encoder_layers_5_self_attn_out_proj", true, 1024, 1024, 4, 4.0,
                H + "text_model.encoder.layers.5.self_attn.out_proj.weight");
        layer(lora, random, "text_encoder.text_model.encoder.layers.7.mlp.fc1", false, 4096, 1024, 2, Double.NaN,
                H + "text_model.encoder.layers.7.mlp.fc1.weight");
        layer(lora, random, "text_encoders.clip_h.transformer.text_projection", true, 1024, 1024, 2, 2.0,
                H + "text_projection.weight");
        SafetensorsWriter.write(Files.createDirectories(base.resolve("models/loras")).resolve("sd2_style.safetensors"), lora, Map.of());
        lora.values().forEach(Tensor::close);
        Path vocab = Path.of("..", "shared", "data", "clip-vit-l-14-tokenizer");
        if (Files.isRegularFile(vocab.resolve("vocab.json")) && Files.isRegularFile(vocab.resolve("merges.txt"))) {
            Path textEncoders = Files.createDirectories(base.resolve("models/text_encoders"));
            for (String file : List.of("vocab.json", "merges.txt")) {
                Files.createSymbolicLink(textEncoders.resolve(file), vocab.resolve(file).toAbsolutePath());
            }
        }
        services = TestServices.over(base);
        nodes = NodeCatalogue.registry(services);
    }

    @AfterAll
    static void close() {
        if (services != null) services.models().close();
    }

    @Test
    void everyPatchedWeightIsWPlusTheLoraProductAndNothingElseChanges() throws Exception {
        ClipHandle clip = patchedClip();
        try (var lease = services.models().checkpoint(clip.file()); TensorScope ignored = TensorScope.open()) {
            StateDict view = clip.weightsView(lease.model().stateDict());
            try (view; StateDict result = clip.patches().applyTo(view, clip)) {
                for (Layer layer : layers) {
                    float[] w = view.get(layer.target()).to(DType.F32).contiguous().toFloatArray();
                    float[] got = result.get(layer.target()).to(DType.F32).contiguous().toFloatArray();
                    float[] want = expected(layer, w);
                    double worst = 0;
                    for (int i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
                    // the file is fp16, so is the patched weight: half an fp16 step of the largest values
                    assertThat(worst).as(layer.target()).isLessThan(2e-3);
                    assertThat(got).as(layer.target() + " changed").isNotEqualTo(w);
                }
                List<String> changed = result.keys().stream().filter(k -> result.get(k) != view.get(k)).toList();
                assertThat(changed).containsExactlyInAnyOrderElementsOf(layers.stream().map(Layer::target).toList());
            }
        }
    }

    /** With the file's zero weights every token is ln_final's bias b, and pooled = b @ P with P the patched projection's transpose. */
    @Test
    void thePatchedProjectionReachesThePooledOutput() throws Exception {
        assumeTrue(Files.exists(base.resolve("models/text_encoders/vocab.json")),
                "the CLIP tokenizer files of ../shared/data are not available; skipping");
        Layer projection = layers.getLast();
        float[] p = new float[1024 * 1024];
        for (int i = 0; i < 1024; i++) p[i * 1024 + i] = 0.5f;
        float[] patched = expected(projection, p);
        Conditioning cond = (Conditioning) run("CLIPTextEncode", Map.of("clip", patchedClip(), "text", "a castle")).getFirst();
        float[] pooled = cond.entries().getFirst().pooledOutput().toFloatArray();
        double worst = 0;
        for (int j = 0; j < 1024; j++) {
            double want = 0;
            for (int i = 0; i < 1024; i++) want += patched[j * 1024 + i] * (double) Sd2CheckpointTest.LN_FINAL_BIAS[i];
            worst = Math.max(worst, Math.abs(pooled[j] - want));
        }
        // pooled values are about 0.5; the patched projection is stored in fp16 like the file
        assertThat(worst).isLessThan(5e-3);
        cond.forEachTensor(Tensor::close);
    }

    private static ClipHandle patchedClip() throws Exception {
        List<Object> checkpoint = run("CheckpointLoaderSimple", Map.of("ckpt_name", NAME));
        return (ClipHandle) run("LoraLoader", Map.of("model", checkpoint.get(0), "clip", checkpoint.get(1),
                "lora_name", "sd2_style.safetensors", "strength_model", 1.0, "strength_clip", STRENGTH)).get(1);
    }

    private static float[] expected(Layer layer, float[] w) {
        int in = layer.down().length / layer.rank();
        int out = layer.up().length / layer.rank();
        float[] want = new float[w.length];
        for (int i = 0; i < out; i++) {
            for (int j = 0; j < in; j++) {
                double product = 0;
                for (int k = 0; k < layer.rank(); k++) product += (double) layer.up()[i * layer.rank() + k] * layer.down()[k * in + j];
                want[i * in + j] = (float) (w[i * in + j] + layer.scale() * product);
            }
        }
        return want;
    }

    private static void layer(Map<String, Tensor> lora, Random random, String name, boolean kohya, int out, int in, int rank,
                              double alpha, String target) {
        float[] up = values(random, out * rank);
        float[] down = values(random, rank * in);
        lora.put(name + (kohya ? ".lora_up.weight" : ".lora_B.weight"), Tensor.fromFloats(up, out, rank).escapeScope());
        lora.put(name + (kohya ? ".lora_down.weight" : ".lora_A.weight"), Tensor.fromFloats(down, rank, in).escapeScope());
        if (!Double.isNaN(alpha)) lora.put(name + ".alpha", Tensor.fromFloats(new float[] {(float) alpha}).escapeScope());
        layers.add(new Layer(target, up, down, rank, alpha));
    }

    private static float[] values(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (random.nextGaussian() * 0.2);
        return v;
    }

    private static List<Object> run(String type, Map<String, Object> inputs) throws Exception {
        Node node = nodes.get(type).factory().get();
        return node.execute(NodeInputs.of(inputs), new RecordingContext()).values();
    }
}
