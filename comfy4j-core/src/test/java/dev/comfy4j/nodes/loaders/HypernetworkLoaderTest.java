package dev.comfy4j.nodes.loaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfy4j.model.SdLayouts;
import dev.comfy4j.model.TinyCheckpoints;
import dev.comfy4j.model.TorchZipWriter;
import dev.comfy4j.model.TorchZipWriter.FloatTensor;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.python.PyError;
import dev.comfy4j.support.TestServices;
import dev.comfy4j.tensor.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.comfy4j.model.unet.DiffusionModel;
import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HypernetworkLoader reads and checks the file and sets it as the MODEL's attn1 and attn2 patch: a
 * hypernetwork whose MLPs output zero leaves the UNet's output bit-identical, one with weights changes it,
 * the MODEL from the loader stays unpatched, and a file that is no hypernetwork fails naming it.
 */
class HypernetworkLoaderTest {
    @TempDir Path base;

    /** One linear layer of width {@code dim}, all weights {@code value}, bias 0. */
    private Map<String, Object> mlp(int dim, float value) {
        Map<String, Object> sd = new LinkedHashMap<>();
        float[] weights = new float[dim * dim];
        java.util.Arrays.fill(weights, value);
        sd.put("linear.0.weight", new FloatTensor(weights, new long[] {dim, dim}));
        sd.put("linear.0.bias", new FloatTensor(new float[dim], new long[] {dim}));
        return sd;
    }

    @Test
    void patchesTheAttentionInputsOfTheUnet() throws Exception {
        Path checkpoint = Files.createDirectories(base.resolve("models/checkpoints")).resolve("tiny.safetensors");
        TinyCheckpoints.writeSd15(checkpoint, SdLayouts.Sizes.TINY, DType.F16, 3);
        Path folder = Files.createDirectories(base.resolve("models/hypernetworks"));
        TorchZipWriter.writeObject(folder.resolve("zero.pt"), Map.of(32L, List.of(mlp(32, 0f), mlp(32, 0f)), "activation_func", "relu"));
        TorchZipWriter.writeObject(folder.resolve("style.pt"), Map.of(32L, List.of(mlp(32, 0.01f), mlp(32, 0.02f)), "activation_func", "relu"));
        Files.write(folder.resolve("broken.pt"), new byte[] {'P', 'K', 3, 4, 0, 0});
        NodeServices services = TestServices.over(base);
        try (TensorScope ignored = TensorScope.open()) {
            ModelHandle model = services.checkpoints().checkpoint(checkpoint).model();
            HypernetworkLoader node = new HypernetworkLoader(services);
            Map<String, Object> in = new HashMap<>(Map.of("model", model, "hypernetwork_name", "zero.pt", "strength", 1.0));
            ModelHandle zero = (ModelHandle) node.execute(NodeInputs.of(in), null).values().get(0);
            in.put("hypernetwork_name", "style.pt");
            ModelHandle style = (ModelHandle) node.execute(NodeInputs.of(in), null).values().get(0);
            assertThat(style.options().transformerPatches().attn1()).hasSize(1);
            assertThat(style.options().transformerPatches().attn2()).hasSize(1);
            assertThat(model.options().isEmpty()).isTrue();
            try (var lease = model.acquire()) {
                DiffusionModel unet = lease.model().get();
                Tensor x = Tensor.randn(dev.comfy4j.tensor.TorchGenerator.cpu(1), DType.F32, 1, 4, 8, 8);
                Tensor sigma = Tensor.full(2.0, DType.F32, 1);
                Tensor context = Tensor.randn(dev.comfy4j.tensor.TorchGenerator.cpu(2), DType.F32, 1, 77, 32);
                float[] plain = unet.applyModel(x, sigma, context).toFloatArray();
                float[] unchanged = unet.applyModel(x, sigma, context, null, zero.options(), List.of(0)).toFloatArray();
                float[] changed = unet.applyModel(x, sigma, context, null, style.options(), List.of(0)).toFloatArray();
                assertThat(unchanged).containsExactly(plain);
                assertThat(RelativeL2.of(changed, plain)).isGreaterThan(1e-4);
            }
            in.put("hypernetwork_name", "broken.pt");
            assertThatThrownBy(() -> node.execute(NodeInputs.of(in), null)).isInstanceOf(PyError.class)
                    .hasMessageContaining("could not load the hypernetwork broken.pt");
        } finally {
            services.models().close();
        }
    }
}
