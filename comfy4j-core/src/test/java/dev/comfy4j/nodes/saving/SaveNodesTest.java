package dev.comfy4j.nodes.saving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.patch.LoraFilePatch;
import dev.comfy4j.model.sd.Checkpoints;
import dev.comfy4j.model.sd.ClipHandle;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.model.sd.VaeHandle;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.python.PyError;
import dev.comfy4j.support.TestServices;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CheckpointSave, ModelSave, CLIPSave and VAESave on a tiny SD1.5 checkpoint: the files have ComfyUI's key
 * names, the weights of a LoRA'd model saved as patched (the base plus the LoRA product computed here),
 * every other weight bit for bit, ComfyUI's metadata with and without {@code --disable-metadata}, the
 * output counters, and the files load again through the loaders' code with the same weights.
 */
class SaveNodesTest {
    @TempDir static Path base;
    private static NodeServices services;
    private static Checkpoints.Components plain;
    private static Path checkpoint;
    private static Path lora;
    private static StateDict original;

    @BeforeAll
    static void setUp() throws Exception {
        checkpoint = TinyModels.checkpoint(base);
        original = ModelFiles.loadStateDict(checkpoint);
        lora = TinyModels.lora(base, original.get(TinyModels.UNET_WEIGHT).shape(), original.get(TinyModels.CLIP_WEIGHT).shape());
        services = TestServices.over(base);
        plain = services.checkpoints().checkpoint(checkpoint);
    }

    @AfterAll
    static void tearDown() {
        if (original != null) original.close();
        if (services != null) services.models().close();
    }

    private static ObjectNode prompt() {
        ObjectNode p = Json.object();
        p.putObject("4").put("class_type", "CheckpointSave").putObject("inputs").put("filename_prefix", "checkpoints/x");
        return p;
    }

    private static JsonNode extra() {
        ObjectNode e = Json.object();
        e.putObject("workflow").put("version", 0.4).putArray("nodes");
        return e;
    }

    private static SaveContext context(boolean disableMetadata) {
        return new SaveContext(prompt(), extra(), disableMetadata);
    }

    private static void run(Node node, Map<String, Object> inputs, SaveContext context) throws Exception {
        node.execute(NodeInputs.of(new HashMap<>(inputs)), context);
    }

    private static Path output(String relative) {
        return base.resolve("output").resolve(relative);
    }

    /** {@code w + up @ down * alpha / rank * strength} in float32, rounded to fp16, from the LoRA file. */
    private static Tensor expectedPatched(String key, String loraKey, double strength) throws Exception {
        try (StateDict l = ModelFiles.loadStateDict(lora)) {
            Tensor delta = Functional.matmul(l.get(loraKey + ".lora_up.weight"), l.get(loraKey + ".lora_down.weight"));
            return original.get(key).to(DType.F32).add(delta.mul(strength * TinyModels.ALPHA / TinyModels.RANK)).to(DType.F16);
        }
    }

    private static void assertSameBits(Tensor got, Tensor want, String key) {
        assertThat(got.dtype()).as(key).isEqualTo(want.dtype());
        assertThat(got.shape()).as(key).isEqualTo(want.shape());
        assertThat(got.contiguous().toByteArray()).as(key).isEqualTo(want.contiguous().toByteArray());
    }

    /** The tensor names of a safetensors file in the order of their data, read from the raw header. */
    private static List<String> dataOrder(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(len, 0);
            ByteBuffer header = ByteBuffer.allocate((int) len.flip().getLong());
            ch.read(header, 8);
            JsonNode root = Json.parse(new String(header.array(), java.nio.charset.StandardCharsets.UTF_8).trim());
            List<Map.Entry<String, Long>> byOffset = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("__metadata__")) byOffset.add(Map.entry(e.getKey(), e.getValue().get("data_offsets").get(0).asLong()));
            }
            byOffset.sort(Map.Entry.comparingByValue());
            return byOffset.stream().map(Map.Entry::getKey).toList();
        }
    }

    @Test
    void checkpointSaveWritesComfyUisKeysWithTheLoraMergedIn() throws Exception {
        ModelHandle model = plain.model().withPatch(LoraFilePatch.of(lora, 0.8));
        ClipHandle clip = plain.clip().withPatch(LoraFilePatch.of(lora, -0.5));
        run(CheckpointSave.checkpoint(services),
                Map.of("model", model, "clip", clip, "vae", plain.vae(), "filename_prefix", "checkpoints/merged"), context(false));
        Path saved = output("checkpoints/merged_00001_.safetensors");

        Set<String> expectedKeys = new TreeSet<>();
        for (String k : original.keys()) {
            if (k.startsWith("model.diffusion_model.") || k.startsWith("first_stage_model.")
                    || (k.startsWith("cond_stage_model.transformer.text_model.") && !k.endsWith("position_ids"))) {
                expectedKeys.add(k);
            }
        }
        try (StateDict file = ModelFiles.loadStateDict(saved); TensorScope ignored = TensorScope.open()) {
            assertThat(new TreeSet<>(file.keys())).isEqualTo(expectedKeys);
            // The safetensors library's order: all fp16, so by name.
            assertThat(dataOrder(saved)).isEqualTo(new ArrayList<>(expectedKeys));
            for (String k : expectedKeys) {
                Tensor want = switch (k) {
                    case TinyModels.UNET_WEIGHT -> expectedPatched(k, "diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k", 0.8);
                    case TinyModels.CLIP_WEIGHT -> expectedPatched(k,
                            "text_encoders.clip_l.transformer.text_model.encoder.layers.0.self_attn.q_proj", -0.5);
                    default -> original.get(k);
                };
                assertSameBits(file.get(k), want, k);
            }
            assertThat(file.get(TinyModels.UNET_WEIGHT).toByteArray()).isNotEqualTo(original.get(TinyModels.UNET_WEIGHT).toByteArray());
            Map<String, String> metadata = file.metadata();
            assertThat(metadata).containsOnlyKeys("modelspec.predict_key", "prompt", "workflow");
            assertThat(metadata.get("modelspec.predict_key")).isEqualTo("epsilon");
            assertThat(metadata.get("prompt")).isEqualTo(
                    "{\"4\": {\"class_type\": \"CheckpointSave\", \"inputs\": {\"filename_prefix\": \"checkpoints/x\"}}}");
            assertThat(metadata.get("workflow")).isEqualTo("{\"version\": 0.4, \"nodes\": []}");
        }

        // Loads again as a checkpoint (what CheckpointLoaderSimple does) and builds its UNet.
        Checkpoints.Components again = services.checkpoints().checkpoint(saved);
        assertThat(again.model().architecture()).isEqualTo(plain.model().architecture());
        assertThat(again.clip()).isNotNull();
        assertThat(again.vae()).isNotNull();
        try (var lease = again.model().acquire()) {
            assertThat(lease.model().get()).isNotNull();
        }
    }

    @Test
    void withDisableMetadataACheckpointKeepsOnlyModelspec() throws Exception {
        run(CheckpointSave.checkpoint(services),
                Map.of("model", plain.model(), "clip", plain.clip(), "vae", plain.vae(), "filename_prefix", "quiet/ckpt"), context(true));
        try (StateDict file = ModelFiles.loadStateDict(output("quiet/ckpt_00001_.safetensors"))) {
            assertThat(file.metadata()).containsExactly(Map.entry("modelspec.predict_key", "epsilon"));
        }
    }

    @Test
    void modelSaveWritesTheUnetAloneAndUnetLoaderReadsItBack() throws Exception {
        ModelHandle model = plain.model().withPatch(LoraFilePatch.of(lora, 1.0));
        run(CheckpointSave.modelOnly(services), Map.of("model", model, "filename_prefix", "diffusion_models/ComfyUI"), context(false));
        Path saved = output("diffusion_models/ComfyUI_00001_.safetensors");
        try (StateDict file = ModelFiles.loadStateDict(saved); TensorScope ignored = TensorScope.open()) {
            Set<String> unet = new TreeSet<>();
            for (String k : original.keys()) if (k.startsWith("model.diffusion_model.")) unet.add(k);
            assertThat(new TreeSet<>(file.keys())).isEqualTo(unet);
            assertSameBits(file.get(TinyModels.UNET_WEIGHT),
                    expectedPatched(TinyModels.UNET_WEIGHT, "diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k", 1.0),
                    TinyModels.UNET_WEIGHT);
            assertThat(file.metadata()).containsKeys("modelspec.predict_key", "prompt", "workflow");
        }
        ModelHandle again = services.checkpoints().diffusionModel(saved);
        assertThat(again.architecture().unet()).isEqualTo(plain.model().architecture().unet());
        assertThat(again.architecture().vaePrefix()).isNull();
        try (var lease = again.acquire()) {
            assertThat(lease.model().get()).isNotNull();
        }
    }

    @Test
    void clipSaveNamesTheFileAfterTheEncoderAndClipLoaderReadsItBack() throws Exception {
        ClipHandle clip = plain.clip().withPatch(LoraFilePatch.of(lora, 1.0));
        run(new ClipSave(services), Map.of("clip", clip, "filename_prefix", "clip/ComfyUI"), context(false));
        Path saved = output("clip/ComfyUI_clip_l_00001_.safetensors");
        String prefix = "cond_stage_model.transformer.text_model.";
        try (StateDict file = ModelFiles.loadStateDict(saved); TensorScope ignored = TensorScope.open()) {
            Set<String> keys = new TreeSet<>();
            for (String k : original.keys()) {
                if (k.startsWith(prefix) && !k.endsWith("position_ids")) keys.add("text_model." + k.substring(prefix.length()));
            }
            assertThat(new TreeSet<>(file.keys())).isEqualTo(keys);
            for (String k : keys) {
                String source = prefix + k.substring("text_model.".length());
                Tensor want = source.equals(TinyModels.CLIP_WEIGHT) ? expectedPatched(source,
                        "text_encoders.clip_l.transformer.text_model.encoder.layers.0.self_attn.q_proj", 1.0) : original.get(source);
                assertSameBits(file.get(k), want, k);
            }
            assertThat(file.metadata()).containsOnlyKeys("format", "prompt", "workflow").containsEntry("format", "pt");
        }
        ClipHandle again = services.checkpoints().textEncoder(saved);
        assertThat(again.prefix()).isEqualTo("text_model.");

        run(new ClipSave(services), Map.of("clip", plain.clip(), "filename_prefix", "clip/quiet"), context(true));
        try (StateDict file = ModelFiles.loadStateDict(output("clip/quiet_clip_l_00001_.safetensors"))) {
            assertThat(file.metadata()).isEmpty();
        }
    }

    @Test
    void vaeSaveWritesTheVaeBitForBitAndItDecodesTheSameImage() throws Exception {
        run(new VaeSave(services), Map.of("vae", plain.vae(), "filename_prefix", "vae/ComfyUI_vae"), context(false));
        run(new VaeSave(services), Map.of("vae", plain.vae(), "filename_prefix", "vae/ComfyUI_vae"), context(false));
        Path saved = output("vae/ComfyUI_vae_00001_.safetensors");
        assertThat(output("vae/ComfyUI_vae_00002_.safetensors")).exists();
        String prefix = "first_stage_model.";
        try (StateDict file = ModelFiles.loadStateDict(saved)) {
            Map<String, String> sourceOf = new LinkedHashMap<>();
            for (String k : original.keys()) if (k.startsWith(prefix)) sourceOf.put(k.substring(prefix.length()), k);
            assertThat(new TreeSet<>(file.keys())).isEqualTo(new TreeSet<>(sourceOf.keySet()));
            sourceOf.forEach((k, source) -> assertSameBits(file.get(k), original.get(source), k));
            assertThat(file.metadata()).containsOnlyKeys("prompt", "workflow");
        }
        VaeHandle again = services.checkpoints().vae(saved);
        assertThat(again.prefix()).isEmpty();
        try (TensorScope ignored = TensorScope.open(); var a = plain.vae().acquire(); var b = again.acquire()) {
            Tensor latent = Tensor.fromFloats(TinyModels.gaussian(new java.util.Random(2), 4 * 8 * 8, 1.0), 1, 4, 8, 8);
            assertThat(b.model().get().decode(latent).toByteArray()).isEqualTo(a.model().get().decode(latent).toByteArray());
        }
    }

    @Test
    void keysComfyUisModelsDoNotHaveAreNotSaved() throws Exception {
        Map<String, long[]> shapes = new LinkedHashMap<>(dev.comfy4j.model.SdLayouts.sd15(dev.comfy4j.model.SdLayouts.Sizes.TINY));
        shapes.put("first_stage_model.loss.logvar", new long[] {1});
        shapes.put("model_ema.decay", new long[] {1});
        Path extra = dev.comfy4j.model.TinyCheckpoints.write(base.resolve("models/checkpoints/extra.safetensors"), shapes,
                DType.F16, 9, Map.of());
        Checkpoints.Components c = services.checkpoints().checkpoint(extra);
        run(CheckpointSave.checkpoint(services), Map.of("model", c.model(), "clip", c.clip(), "vae", c.vae(),
                "filename_prefix", "extra/ckpt"), context(false));
        run(new VaeSave(services), Map.of("vae", c.vae(), "filename_prefix", "extra/vae"), context(false));
        try (StateDict ckpt = ModelFiles.loadStateDict(output("extra/ckpt_00001_.safetensors"));
             StateDict vae = ModelFiles.loadStateDict(output("extra/vae_00001_.safetensors"))) {
            assertThat(ckpt.keys()).doesNotContain("first_stage_model.loss.logvar", "model_ema.decay")
                    .contains("first_stage_model.decoder.conv_in.weight");
            assertThat(vae.keys()).doesNotContain("loss.logvar").contains("decoder.conv_in.weight");
        }
    }

    @Test
    void aPrefixOutsideTheOutputFolderFailsAsInComfyUI() throws Exception {
        assertThatThrownBy(() -> run(new VaeSave(services), Map.of("vae", plain.vae(), "filename_prefix", "../escaped/vae"),
                context(false)))
                .isInstanceOfSatisfying(PyError.class, e -> {
                    assertThat(e.pythonType()).isEqualTo("Exception");
                    assertThat(e.pythonMessage()).startsWith("**** ERROR: Saving image outside the output folder is not allowed.");
                });
        assertThat(base.resolve("escaped")).doesNotExist();
    }
}
