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
 * checkpoint's MODEL.
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
