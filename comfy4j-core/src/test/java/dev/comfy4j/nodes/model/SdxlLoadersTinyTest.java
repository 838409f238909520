package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.model.ModelFamily;
import dev.comfy4j.model.sd.ClipHandle;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeCatalogue;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.support.TestServices;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDXL loaders on a tiny random SDXL checkpoint ({@link TinySdxl}, so they run wherever the 6.9 GB one is
 * absent). DualCLIPLoader on the split text encoders
 * (CLIP-G in both layouts) encodes bit for bit as the checkpoint's CLIP, a CLIP-G alone is the refiner's CLIP (the g
 * half), and UNETLoader's UNet-only and diffusers files denoise bit for bit as the checkpoint's UNet.
 */
class SdxlLoadersTinyTest {
    private static final String CKPT = TinySdxl.NAME;
    @TempDir static Path base;
    private static NodeServices services;
    private static NodeRegistry nodes;
    private static List<Object> checkpoint;

    @BeforeAll
    static void load() throws Exception {
        TinySdxl.layOut(base);
        Path ckpt = base.resolve("models/checkpoints").resolve(CKPT);
        Path encoders = base.resolve("models/text_encoders");
        services = TestServices.over(base);
        nodes = NodeCatalogue.registry(services);
        checkpoint = run("CheckpointLoaderSimple", Map.of("ckpt_name", CKPT));
        Path unets = Files.createDirectories(base.resolve("models/diffusion_models"));
        try (var lease = services.models().checkpoint(ckpt)) {
            var sd = lease.model().stateDict();
            SdxlSplitFiles.clipL(sd, encoders.resolve("clip_l.safetensors"));
            SdxlSplitFiles.clipGOpenClip(sd, encoders.resolve("clip_g_open_clip.safetensors"));
            SdxlSplitFiles.clipGHuggingFace(sd, encoders.resolve("clip_g.safetensors"));
            SdxlSplitFiles.unet(sd, unets.resolve("unet.safetensors"));
            SdxlSplitFiles.diffusersUnet(sd, ((ModelHandle) checkpoint.getFirst()).architecture().unet(),
                    unets.resolve("diffusion_pytorch_model.safetensors"));
        }
    }

    @AfterAll
    static void close() {
        if (services != null) services.models().close();
    }

    @Test
    void dualClipLoaderEncodesAsTheCheckpointWithEitherClipGLayout() throws Exception {
        Conditioning expected = encode(checkpoint.get(1));
        assertThat(expected.get(0).cond().shape()).containsExactly(1, 77, 128);
        for (String gFile : List.of("clip_g.safetensors", "clip_g_open_clip.safetensors")) {
            Object clip = run("DualCLIPLoader", Map.of("clip_name1", gFile, "clip_name2", "clip_l.safetensors", "type", "sdxl")).getFirst();
            Conditioning got = encode(clip);
            assertThat(got.get(0).cond().toFloatArray()).as(gFile).containsExactly(expected.get(0).cond().toFloatArray());
            assertThat(got.get(0).pooledOutput().toFloatArray()).as(gFile).containsExactly(expected.get(0).pooledOutput().toFloatArray());
        }
        var refiner = (ClipHandle) run("CLIPLoader", Map.of("clip_name", "clip_g_open_clip.safetensors", "type", "stable_diffusion")).getFirst();
        assertThat(refiner.family()).isEqualTo(ModelFamily.SDXL_REFINER);
        Conditioning gOnly = encode(refiner);
        assertThat(gOnly.get(0).cond().toFloatArray())
                .containsExactly(expected.get(0).cond().narrow(2, 64, 64).contiguous().toFloatArray());
    }

    @Test
    void unetOnlyAndDiffusersFilesDenoiseAsTheCheckpoint() throws Exception {
        var fromCheckpoint = (ModelHandle) checkpoint.getFirst();
        Random random = new Random(1);
        try (TensorScope ignored = TensorScope.open()) {
            Tensor x = Tensor.fromFloats(gaussian(random, 4 * 16 * 16), 1, 4, 16, 16);
            Tensor context = Tensor.fromFloats(gaussian(random, 77 * 128), 1, 77, 128);
            Tensor y = Tensor.fromFloats(gaussian(random, 1600), 1, 1600);
            Tensor t = Tensor.fromFloats(new float[] {640f}, 1);
            float[] expected = call(fromCheckpoint, x, t, context, y);
            for (String file : List.of("unet.safetensors", "diffusion_pytorch_model.safetensors")) {
                var model = (ModelHandle) run("UNETLoader", Map.of("unet_name", file, "weight_dtype", "default")).getFirst();
                assertThat(model.architecture().unet()).as(file).isEqualTo(fromCheckpoint.architecture().unet());
                assertThat(call(model, x, t, context, y)).as(file).containsExactly(expected);
            }
        }
    }

    private static float[] call(ModelHandle model, Tensor x, Tensor t, Tensor context, Tensor y) throws Exception {
        try (var lease = model.acquire(); TensorScope ignored = TensorScope.open()) {
            return lease.model().get().unet().forward(x, t, context, y).contiguous().toFloatArray();
        }
    }

    private static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) random.nextGaussian();
        return v;
    }

    private static Conditioning encode(Object clip) throws Exception {
        return (Conditioning) run("CLIPTextEncode", Map.of("clip", clip, "text", "a tiny (blue:1.1) bird")).getFirst();
    }

    static List<Object> run(String type, Map<String, Object> inputs) throws Exception {
        Node node = nodes.get(type).factory().get();
        return node.execute(NodeInputs.of(inputs), new RecordingContext()).values();
    }
}
