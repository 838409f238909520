package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfy4j.model.ModelFamily;
import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.sd.ClipHandle;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeCatalogue;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.python.PyError;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.support.TestServices;
import dev.comfy4j.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CLIPLoader and DualCLIPLoader on SDXL's text encoders as separate files, cut out of the random SDXL checkpoint
 * into the test's folder (CLIP-L in the Hugging Face layout, CLIP-G in the open_clip and the Hugging Face layout):
 * DualCLIPLoader's CLIP encodes bit for bit as the checkpoint's, in either file order; a CLIP-G alone is the SDXL
 * refiner's CLIP, whose cond and pooled output are the g half of the SDXL ones; the types comfy4j cannot run fail
 * with a clear RuntimeError.
 */
class SdxlLoadersTest {
    private static final String PROMPT = "a (red:1.2) fox in the snow, photograph";
    @TempDir static Path base;
    private static NodeServices services;
    private static NodeRegistry nodes;
    private static List<Object> checkpoint;
    private static Conditioning fromCheckpoint;

    @BeforeAll
    static void load() throws Exception {
        ModelFolder.layOutSdxl(base);
        services = TestServices.over(base);
        nodes = NodeCatalogue.registry(services);
        checkpoint = run("CheckpointLoaderSimple", Map.of("ckpt_name", TestCheckpoints.SDXL_NAME));
        Path encoders = base.resolve("models/text_encoders");
        try (var lease = services.models().checkpoint(base.resolve("models/checkpoints").resolve(TestCheckpoints.SDXL_NAME))) {
            var sd = lease.model().stateDict();
            SdxlSplitFiles.clipL(sd, encoders.resolve("clip_l.safetensors"));
            SdxlSplitFiles.clipGOpenClip(sd, encoders.resolve("clip_g_open_clip.safetensors"));
            SdxlSplitFiles.clipGHuggingFace(sd, encoders.resolve("clip_g.safetensors"));
        }
        SafetensorsWriter.write(encoders.resolve("t5_base.safetensors"),
                Map.of("encoder.block.0.layer.0.SelfAttention.k.weight", Tensor.fromFloats(new float[4], 2, 2)), Map.of());
        fromCheckpoint = encode(checkpoint.get(1));
    }

    @AfterAll
    static void close() throws Exception {
        if (services != null) services.models().close();
        if (base != null) {
            for (String name : List.of("clip_l.safetensors", "clip_g_open_clip.safetensors", "clip_g.safetensors")) {
                Files.deleteIfExists(base.resolve("models/text_encoders").resolve(name));
            }
        }
    }

    @Test
    void dualClipLoaderWithTheHuggingFaceClipGEncodesAsTheCheckpoint() throws Exception {
        Object clip = run("DualCLIPLoader", Map.of("clip_name1", "clip_l.safetensors", "clip_name2", "clip_g.safetensors",
                "type", "sdxl")).getFirst();
        assertThat(((ClipHandle) clip).isSdxl()).isTrue();
        assertSameAsCheckpoint(encode(clip));
    }

    @Test
    void dualClipLoaderWithTheOpenClipLayoutInEitherOrderEncodesAsTheCheckpoint() throws Exception {
        Object clip = run("DualCLIPLoader", Map.of("clip_name1", "clip_g_open_clip.safetensors",
                "clip_name2", "clip_l.safetensors", "type", "sdxl")).getFirst();
        assertSameAsCheckpoint(encode(clip));
    }

    @Test
    void aClipGAloneIsTheRefinersClipAndEncodesTheGHalf() throws Exception {
        var clip = (ClipHandle) run("CLIPLoader", Map.of("clip_name", "clip_g.safetensors", "type", "stable_diffusion")).getFirst();
        assertThat(clip.family()).isEqualTo(ModelFamily.SDXL_REFINER);
        Conditioning refiner = encode(clip);
        Tensor sdxlCond = fromCheckpoint.get(0).cond();
        // SDXL's cond is cat(l, g) along the channels: 768 of CLIP-L, then CLIP-G's 1280.
        assertThat(refiner.get(0).cond().shape()).containsExactly(1, 77, 1280);
        assertThat(refiner.get(0).cond().toFloatArray()).containsExactly(sdxlCond.narrow(2, 768, 1280).contiguous().toFloatArray());
        assertThat(refiner.get(0).pooledOutput().toFloatArray()).containsExactly(fromCheckpoint.get(0).pooledOutput().toFloatArray());
    }

    @Test
    void aClipLAloneIsSd1sClip() throws Exception {
        var clip = (ClipHandle) run("CLIPLoader", Map.of("clip_name", "clip_l.safetensors", "type", "stable_diffusion")).getFirst();
        assertThat(clip.family()).isEqualTo(ModelFamily.SD1);
        assertThat(encode(clip).get(0).cond().shape()).containsExactly(1, 77, 768);
        // ComfyUI gives every type but sd3 and hidream SD1's CLIP for a CLIP-L file.
        assertThat(((ClipHandle) run("CLIPLoader", Map.of("clip_name", "clip_l.safetensors", "type", "wan")).getFirst()).family())
                .isEqualTo(ModelFamily.SD1);
    }

    @Test
    void typesWhoseEncodersComfy4jLacksFailClearly() {
        assertThatThrownBy(() -> run("CLIPLoader", Map.of("clip_name", "clip_g.safetensors", "type", "sd3")))
                .isInstanceOf(PyError.class).hasMessageContaining("clip_g.safetensors").hasMessageContaining("CLIP-G")
                .hasMessageContaining("sd3");
        assertThatThrownBy(() -> run("CLIPLoader", Map.of("clip_name", "t5_base.safetensors", "type", "stable_audio")))
                .isInstanceOf(PyError.class).hasMessageContaining("T5");
        assertThatThrownBy(() -> run("DualCLIPLoader", Map.of("clip_name1", "clip_l.safetensors",
                "clip_name2", "t5_base.safetensors", "type", "flux")))
                .isInstanceOf(PyError.class).hasMessageContaining("type flux is not supported");
        assertThatThrownBy(() -> run("DualCLIPLoader", Map.of("clip_name1", "clip_l.safetensors",
                "clip_name2", "clip_l.safetensors", "type", "sdxl")))
                .isInstanceOf(PyError.class).hasMessageContaining("needs a CLIP-L and a CLIP-G");
    }

    private static void assertSameAsCheckpoint(Conditioning c) {
        assertThat(c.get(0).cond().shape()).containsExactly(fromCheckpoint.get(0).cond().shape());
        assertThat(c.get(0).cond().toFloatArray()).containsExactly(fromCheckpoint.get(0).cond().toFloatArray());
        assertThat(c.get(0).pooledOutput().toFloatArray()).containsExactly(fromCheckpoint.get(0).pooledOutput().toFloatArray());
    }

    private static Conditioning encode(Object clip) throws Exception {
        return (Conditioning) run("CLIPTextEncode", Map.of("clip", clip, "text", PROMPT)).getFirst();
    }

    static List<Object> run(String type, Map<String, Object> inputs) throws Exception {
        Node node = nodes.get(type).factory().get();
        return node.execute(NodeInputs.of(inputs), new RecordingContext()).values();
    }
}
