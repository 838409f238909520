package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.model.ModelFamily;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeCatalogue;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.support.TestCheckpoints;
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
 * UNETLoader on an SDXL UNet-only file: the random SDXL checkpoint's UNet written to the test's
 * {@code models/diffusion_models} with its keys stripped of {@code model.diffusion_model.} (the layout of
 * downloadable UNet files). The MODEL is detected as SDXL and one UNet call gives bit for bit the output of the
 * checkpoint's MODEL. The same for the UNet in the diffusers layout, which UNETLoader renames to the LDM layout.
 */
class SdxlUnetLoaderTest {
    @TempDir static Path base;
    private static NodeServices services;
    private static NodeRegistry nodes;
    private static Path unetFile;

    @BeforeAll
    static void load() throws Exception {
        ModelFolder.layOutSdxl(base);
        services = TestServices.over(base);
        nodes = NodeCatalogue.registry(services);
        unetFile = Files.createDirectories(base.resolve("models/diffusion_models")).resolve("sdxl_unet.safetensors");
        try (var lease = services.models().checkpoint(base.resolve("models/checkpoints").resolve(TestCheckpoints.SDXL_NAME))) {
            SdxlSplitFiles.unet(lease.model().stateDict(), unetFile);
        }
    }

    @AfterAll
    static void close() throws Exception {
        if (services != null) services.models().close();
        if (unetFile != null) Files.deleteIfExists(unetFile);
    }

    @Test
    void aUnetOnlyFileDenoisesAsTheCheckpoint() throws Exception {
        var fromCheckpoint = (ModelHandle) run("CheckpointLoaderSimple", Map.of("ckpt_name", TestCheckpoints.SDXL_NAME)).getFirst();
        var unetOnly = (ModelHandle) run("UNETLoader", Map.of("unet_name", "sdxl_unet.safetensors", "weight_dtype", "default")).getFirst();
        assertThat(unetOnly.architecture().family()).isEqualTo(ModelFamily.SDXL);
        assertThat(unetOnly.architecture().unet()).isEqualTo(fromCheckpoint.architecture().unet());
        assertThat(unetOnly.prefix()).isEmpty();
        Random random = new Random(3);
        try (TensorScope ignored = TensorScope.open()) {
            Tensor x = Tensor.fromFloats(gaussian(random, 4 * 16 * 16), 1, 4, 16, 16);
            Tensor context = Tensor.fromFloats(gaussian(random, 77 * 2048), 1, 77, 2048);
            Tensor y = Tensor.fromFloats(gaussian(random, 2816), 1, 2816);
            Tensor t = Tensor.fromFloats(new float[] {421f}, 1);
            float[] expected = call(fromCheckpoint, x, t, context, y);
            float[] got = call(unetOnly, x, t, context, y);
            assertThat(got).hasSize(4 * 16 * 16).containsExactly(expected);
        }
    }

    @Test
    void aDiffusersUnetFileIsRenamedAndDenoisesAsTheCheckpoint() throws Exception {
        var fromCheckpoint = (ModelHandle) run("CheckpointLoaderSimple", Map.of("ckpt_name", TestCheckpoints.SDXL_NAME)).getFirst();
        Path diffusers = base.resolve("models/diffusion_models/diffusion_pytorch_model.safetensors");
        try {
            try (var lease = services.models().checkpoint(fromCheckpoint.file())) {
                SdxlSplitFiles.diffusersUnet(lease.model().stateDict(), fromCheckpoint.architecture().unet(), diffusers);
            }
            var loaded = (ModelHandle) run("UNETLoader", Map.of("unet_name", diffusers.getFileName().toString(),
                    "weight_dtype", "default")).getFirst();
            assertThat(loaded.architecture().family()).isEqualTo(ModelFamily.SDXL);
            assertThat(loaded.architecture().unet()).isEqualTo(fromCheckpoint.architecture().unet());
            // diffusers' SDXL names, from its UNet2DConditionModel layout, beside their LDM names.
            assertThat(loaded.ldmNames())
                    .containsEntry("input_blocks.4.1.transformer_blocks.1.attn1.to_q.weight",
                            "down_blocks.1.attentions.0.transformer_blocks.1.attn1.to_q.weight")
                    .containsEntry("input_blocks.8.1.transformer_blocks.9.ff.net.2.weight",
                            "down_blocks.2.attentions.1.transformer_blocks.9.ff.net.2.weight")
                    .containsEntry("label_emb.0.0.weight", "add_embedding.linear_1.weight")
                    .containsEntry("output_blocks.2.2.conv.weight", "up_blocks.0.upsamplers.0.conv.weight")
                    .containsEntry("output_blocks.8.0.skip_connection.weight", "up_blocks.2.resnets.2.conv_shortcut.weight")
                    .containsEntry("middle_block.2.out_layers.3.weight", "mid_block.resnets.1.conv2.weight")
                    .hasSize(unetWeights(fromCheckpoint));
            Random random = new Random(5);
            try (TensorScope ignored = TensorScope.open()) {
                Tensor x = Tensor.fromFloats(gaussian(random, 4 * 8 * 16), 1, 4, 8, 16);
                Tensor context = Tensor.fromFloats(gaussian(random, 77 * 2048), 1, 77, 2048);
                Tensor y = Tensor.fromFloats(gaussian(random, 2816), 1, 2816);
                Tensor t = Tensor.fromFloats(new float[] {87f}, 1);
                assertThat(call(loaded, x, t, context, y)).containsExactly(call(fromCheckpoint, x, t, context, y));
            }
        } finally {
            Files.deleteIfExists(diffusers);
        }
    }

    /** How many weights the checkpoint's UNet has: a diffusers file must name every one. */
    private static int unetWeights(ModelHandle model) throws Exception {
        try (var lease = services.models().checkpoint(model.file())) {
            return (int) lease.model().stateDict().keys().stream().filter(k -> k.startsWith(model.prefix())).count();
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

    static List<Object> run(String type, Map<String, Object> inputs) throws Exception {
        Node node = nodes.get(type).factory().get();
        return node.execute(NodeInputs.of(inputs), new RecordingContext()).values();
    }
}
