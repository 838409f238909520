package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.comfy4j.model.ModelArchitecture;
import dev.comfy4j.model.ModelFamily;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.Prediction;
import dev.comfy4j.model.SdLayouts;
import dev.comfy4j.model.SparseCheckpoints;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.clip.ClipTextModel;
import dev.comfy4j.model.options.DiscreteParameterisation;
import dev.comfy4j.model.clip.Sd2TextEncoder;
import dev.comfy4j.model.sd.ClipHandle;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.model.sd.VaeHandle;
import dev.comfy4j.model.unet.AttentionHeads;
import dev.comfy4j.model.unet.DiffusionModel;
import dev.comfy4j.model.unet.ModelSamplingDiscrete;
import dev.comfy4j.model.unet.UNetModel;
import dev.comfy4j.model.unet.WeightStorage;
import dev.comfy4j.model.vae.AutoencoderKL;
import dev.comfy4j.nodes.HoldsTensors;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeCatalogue;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.nodes.latent.Latent;
import dev.comfy4j.python.PyError;
import dev.comfy4j.support.TestServices;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Noise;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full-size SD2.x checkpoints through the loader nodes, as sparse files: the header of an SD2.1 checkpoint
 * (LDM layout, UNet + VAE + OpenCLIP ViT-H, 2.6 GB of fp16) over a data region left as a hole, so every
 * weight is zero except a few written with known values. With zero weights the UNet's output is its final
 * conv bias {@code out.2.bias} whatever its input, so the denoiser's result can be computed by hand from
 * the parameterisation; the text encoder's output is {@code ln_final.bias} on every token. One file is
 * v-prediction (768-v), one eps (512 base): they differ only in the spread of the norm bias ComfyUI's
 * {@code SD20.model_type} inspects.
 */
class Sd2CheckpointTest {
    static final String V_NAME = "sd21_768_v_sparse.safetensors";
    static final String EPS_NAME = "sd20_512_sparse.safetensors";
    static final String UNET = "model.diffusion_model.";
    static final String NORM_BIAS = UNET + "output_blocks.11.1.transformer_blocks.0.norm1.bias";
    /** The UNet's output, one value per latent channel. */
    static final float[] OUT_BIAS = {0.5f, -0.25f, 1.0f, 0.125f};
    static final float[] LN_FINAL_BIAS = new float[1024];

    @TempDir static Path base;
    private static NodeServices services;
    private static NodeRegistry nodes;
    private static boolean tokenizer;

    static {
        for (int i = 0; i < LN_FINAL_BIAS.length; i++) LN_FINAL_BIAS[i] = ((i % 9) - 4) * 0.125f;
    }

    @BeforeAll
    static void build() throws Exception {
        Path checkpoints = Files.createDirectories(base.resolve("models/checkpoints"));
        writeSd21(checkpoints.resolve(V_NAME), 0.125f); // population std 0.125 > 0.09: v
        writeSd21(checkpoints.resolve(EPS_NAME), 0.0625f); // 0.0625 <= 0.09: eps
        Path vocab = Path.of("..", "shared", "data", "clip-vit-l-14-tokenizer");
        tokenizer = Files.isRegularFile(vocab.resolve("vocab.json")) && Files.isRegularFile(vocab.resolve("merges.txt"));
        if (tokenizer) {
            Path textEncoders = Files.createDirectories(base.resolve("models/text_encoders"));
            for (String name : List.of("vocab.json", "merges.txt")) {
                Files.createSymbolicLink(textEncoders.resolve(name), vocab.resolve(name).toAbsolutePath());
            }
        }
        services = TestServices.over(base);
        nodes = NodeCatalogue.registry(services);
    }

    @AfterAll
    static void close() {
        if (services != null) services.models().close();
    }

    /** The SD2.1 layout, zeros except the UNet's output bias, the v/eps norm bias (alternating +-spread) and CLIP's final norm and projection. */
    static void writeSd21(Path file, float spread) throws Exception {
        Map<String, long[]> shapes = SdLayouts.sd2(SdLayouts.Sd2Sizes.SD21);
        Map<String, float[]> values = new LinkedHashMap<>();
        values.put(UNET + "out.2.bias", OUT_BIAS);
        float[] alternating = new float[320];
        for (int i = 0; i < alternating.length; i++) alternating[i] = i % 2 == 0 ? spread : -spread;
        values.put(NORM_BIAS, alternating);
        values.put(Sd2TextEncoder.CHECKPOINT_PREFIX + "ln_final.bias", LN_FINAL_BIAS);
        float[] halfIdentity = new float[1024 * 1024];
        for (int i = 0; i < 1024; i++) halfIdentity[i * 1024 + i] = 0.5f;
        values.put(Sd2TextEncoder.CHECKPOINT_PREFIX + "text_projection", halfIdentity);
        SparseCheckpoints.write(file, shapes, DType.F16, values, Map.of("format", "pt"));
    }

    @Test
    void checkpointLoaderSimpleDetectsSd20WithComfyUisPredictionRule() throws Exception {
        Path file = base.resolve("models/checkpoints").resolve(V_NAME);
        assertThat(Files.size(file)).as("a full-size SD2.1 file").isGreaterThan(2_500_000_000L);
        for (String name : List.of(V_NAME, EPS_NAME)) {
            List<Object> out = run("CheckpointLoaderSimple", Map.of("ckpt_name", name));
            ModelArchitecture a = ((ModelHandle) out.get(0)).architecture();
            assertThat(a.family()).isEqualTo(ModelFamily.SD2);
            assertThat(a.family().comfyName()).isEqualTo("SD20");
            assertThat(a.standardSize()).isTrue();
            assertThat(a.prediction()).as(name).isEqualTo(name.equals(V_NAME) ? Prediction.V_PREDICTION : Prediction.EPS);
            assertThat(a.unet().contextDim()).isEqualTo(1024);
            assertThat(a.unet().modelChannels()).isEqualTo(320);
            assertThat(a.unet().useLinearInTransformer()).isTrue();
            assertThat(a.unet().admInChannels()).isNull();
            assertThat(a.unet().channelMult()).containsExactly(1, 2, 4, 4);
            assertThat(a.unet().transformerDepth()).containsExactly(1, 1, 1, 1, 1, 1, 0, 0);
            assertThat(AttentionHeads.forConfig(a.unet())).isEqualTo(AttentionHeads.fixedWidth(64));
            ClipHandle clip = (ClipHandle) out.get(1);
            assertThat(clip).isNotNull();
            assertThat(clip.family()).isEqualTo(ModelFamily.SD2);
            assertThat(clip.prefix()).isEqualTo("cond_stage_model.model.");
            assertThat(out.get(2)).isInstanceOf(VaeHandle.class);
        }
    }

    /** Every tensor of the file is used by the UNet, the text encoder or the VAE (none missing: each loads). */
    @Test
    void noMissingAndNoUnexpectedKeys() throws Exception {
        Path file = base.resolve("models/checkpoints").resolve(V_NAME);
        Set<String> read = new HashSet<>();
        try (StateDict sd = ModelFiles.loadStateDict(file)) {
            ModelArchitecture a = dev.comfy4j.model.ArchitectureDetector.detect(sd);
            StateDict recording = StateDict.recording(sd, read);
            Map<String, Tensor> vaeWeights = new HashMap<>() {
                @Override
                public Tensor get(Object key) {
                    Tensor t = super.get(key);
                    if (t != null) read.add(a.vaePrefix() + key);
                    return t;
                }
            };
            sd.tensors().forEach((k, t) -> {
                if (k.startsWith(a.vaePrefix())) vaeWeights.put(k.substring(a.vaePrefix().length()), t);
            });
            try (UNetModel unet = UNetModel.load(recording, a.unetPrefix(), a.unet(), WeightStorage.CAST_PER_CALL, Device.CPU);
                 ClipTextModel clip = Sd2TextEncoder.load(recording, Sd2TextEncoder.prefixIn(sd.keys()));
                 AutoencoderKL vae = AutoencoderKL.fromTensors(vaeWeights, AutoencoderKL.Options.defaults())) {
                assertThat(clip.layerCount()).isEqualTo(Sd2TextEncoder.LAYERS);
                assertThat(clip.width()).isEqualTo(Sd2TextEncoder.WIDTH);
            }
            Set<String> unused = new HashSet<>(sd.keys());
            unused.removeAll(read);
            // logit_scale is CLIP's image-text temperature: text encoding never reads it (ComfyUI loads it into an unused parameter).
            assertThat(unused).containsExactly("cond_stage_model.model.logit_scale");
            assertThat(sd.size()).isEqualTo(686 + 248 + 294);
        }
    }

    /** One denoiser call of each file against {@code denoised = x * c_skip - out * c_out} (v) and {@code x - out * sigma} (eps). */
    @Test
    void denoiserStepIsTheParameterisationComputedByHand() throws Exception {
        double sigma = 2.5;
        for (String name : List.of(V_NAME, EPS_NAME)) {
            ModelHandle model = (ModelHandle) run("CheckpointLoaderSimple", Map.of("ckpt_name", name)).get(0);
            try (var lease = model.acquire(); TensorScope ignored = TensorScope.open()) {
                DiffusionModel dm = lease.model().get();
                Tensor x = Noise.prepare(7, new long[]{1, 4, 8, 8}, null);
                Tensor context = Tensor.zeros(DType.F32, 1, 77, 1024);
                float[] denoised = dm.applyModel(x, Tensor.fromFloats(new float[]{(float) sigma}, 1), context).toFloatArray();
                float[] xs = x.toFloatArray();
                boolean v = name.equals(V_NAME);
                double cSkip = v ? 1 / (sigma * sigma + 1) : 1;
                double cOut = v ? sigma / Math.sqrt(sigma * sigma + 1) : sigma;
                assertClose(denoised, i -> xs[i] * cSkip - OUT_BIAS[i / 64] * cOut, name);
            }
        }
    }

    /**
     * KSampler on the v-prediction file, one euler step from sigma_max (the "normal" schedule of 1 step) with
     * CFG 7: the sampler's result is the denoised prediction of the starting point {@code noise * sqrt(1 + sigma^2)},
     * out of model space ({@code / 0.18215}). Both sides give the same UNet output, so CFG leaves it unchanged.
     * (The eps path of KSampler is SD1.5's, checked against ComfyUI's sampling goldens.)
     */
    @Test
    void kSamplerRunsOnTheVPredictionModel() throws Exception {
        requireTokenizer();
        double sigma = ModelSamplingDiscrete.of(Prediction.V_PREDICTION).sigmaMax();
        long seed = 42;
        for (String name : List.of(V_NAME)) {
            List<Object> ckpt = run("CheckpointLoaderSimple", Map.of("ckpt_name", name));
            Object positive = run("CLIPTextEncode", Map.of("clip", ckpt.get(1), "text", "a castle on a hill")).get(0);
            Object negative = positive;
            Object latent = run("EmptyLatentImage", Map.of("width", 64L, "height", 64L, "batch_size", 1L)).get(0);
            Map<String, Object> in = new HashMap<>();
            in.put("model", ckpt.get(0));
            in.put("seed", seed);
            in.put("steps", 1L);
            in.put("cfg", 7.0);
            in.put("sampler_name", "euler");
            in.put("scheduler", "normal");
            in.put("positive", positive);
            in.put("negative", negative);
            in.put("latent_image", latent);
            in.put("denoise", 1.0);
            try (TensorScope ignored = TensorScope.open()) {
                float[] out = ((Latent) run("KSampler", in).get(0)).samples().toFloatArray();
                float[] noise = Noise.prepare(seed, new long[]{1, 4, 8, 8}, null).toFloatArray();
                double root = Math.sqrt(1 + sigma * sigma);
                boolean v = name.equals(V_NAME);
                assertClose(out, i -> (v ? noise[i] / root - OUT_BIAS[i / 64] * sigma / root
                        : noise[i] * root - OUT_BIAS[i / 64] * sigma) / 0.18215, name);
            } finally {
                for (Object value : List.of(positive, latent)) HoldsTensors.forEach(value, Tensor::close);
            }
        }
    }

    /** SD2's CLIP: layer -2 through the final norm by default, so with zero weights every token is ln_final's bias. */
    @Test
    void clipTextEncodeAndSetLastLayer() throws Exception {
        requireTokenizer();
        Object clip = run("CheckpointLoaderSimple", Map.of("ckpt_name", V_NAME)).get(1);
        Object lastLayer = run("CLIPSetLastLayer", Map.of("clip", clip, "stop_at_clip_layer", -1L)).get(0);
        assertThat(((ClipHandle) lastLayer).lastLayer()).isEqualTo(-1);
        for (Object c : List.of(clip, lastLayer)) {
            Conditioning cond = (Conditioning) run("CLIPTextEncode", Map.of("clip", c, "text", "a castle on a hill")).get(0);
            Conditioning.Entry e = cond.entries().getFirst();
            assertThat(e.cond().shape()).containsExactly(1, 77, 1024);
            float[] values = e.cond().toFloatArray();
            assertClose(values, i -> LN_FINAL_BIAS[i % 1024], "cond");
            assertThat(e.pooledOutput().shape()).containsExactly(1, 1024);
            assertClose(e.pooledOutput().toFloatArray(), i -> 0.5 * LN_FINAL_BIAS[i], "pooled (through text_projection)");
            cond.forEachTensor(Tensor::close);
        }
    }

    /**
     * The deprecated CheckpointLoader: after detection from the weights, ComfyUI takes v-prediction
     * ({@code parameterization: "v"}) and the CLIP layer ({@code layer_idx}) from the config.
     */
    @Test
    void checkpointLoaderTakesVPredictionAndTheClipLayerFromTheConfig() throws Exception {
        Path configs = Files.createDirectories(base.resolve("models/configs"));
        Files.writeString(configs.resolve("v_config.yaml"), """
                model:
                  target: ldm.models.diffusion.ddpm.LatentDiffusion
                  params:
                    parameterization: "v"
                    cond_stage_config:
                      target: ldm.modules.encoders.modules.FrozenOpenCLIPEmbedder
                      params:
                        layer: "penultimate"
                """);
        Files.writeString(configs.resolve("layer_config.yaml"), """
                model:
                  params:
                    cond_stage_config:
                      params:
                        layer: "hidden"
                        layer_idx: -3
                """);
        Files.writeString(configs.resolve("broken.yaml"), "model:\n  params:\n    scale_factor: 0.18215\n");
        List<Object> v = run("CheckpointLoader", Map.of("config_name", "v_config.yaml", "ckpt_name", EPS_NAME));
        ModelHandle model = (ModelHandle) v.get(0);
        assertThat(model.architecture().prediction()).as("the weights say eps").isEqualTo(Prediction.EPS);
        assertThat(model.options().modelSampling())
                .isEqualTo(DiscreteParameterisation.of(DiscreteParameterisation.Kind.V_PREDICTION, false));
        assertThat(((ClipHandle) v.get(1)).lastLayer()).isNull();
        List<Object> layer = run("CheckpointLoader", Map.of("config_name", "layer_config.yaml", "ckpt_name", EPS_NAME));
        assertThat(((ModelHandle) layer.get(0)).options().modelSampling()).isNull();
        assertThat(((ClipHandle) layer.get(1)).lastLayer()).isEqualTo(-3);
        assertThatThrownBy(() -> run("CheckpointLoader", Map.of("config_name", "broken.yaml", "ckpt_name", EPS_NAME)))
                .isInstanceOf(PyError.class).hasMessageContaining("'cond_stage_config'");
    }

    private static void requireTokenizer() {
        assumeTrue(tokenizer, "CLIP tokenizer files not found in ../shared/data/clip-vit-l-14-tokenizer; skipping");
    }

    private interface Expected {
        double at(int i);
    }

    private static void assertClose(float[] actual, Expected expected, String what) {
        double num = 0, den = 0;
        for (int i = 0; i < actual.length; i++) {
            double e = expected.at(i);
            num += (actual[i] - e) * (actual[i] - e);
            den += e * e;
        }
        assertThat(Math.sqrt(num / den)).as(what + " relative L2").isLessThan(1e-5);
    }

    static List<Object> run(String type, Map<String, Object> inputs) throws Exception {
        Node node = nodes.get(type).factory().get();
        return node.execute(NodeInputs.of(inputs), new RecordingContext()).values();
    }
}
