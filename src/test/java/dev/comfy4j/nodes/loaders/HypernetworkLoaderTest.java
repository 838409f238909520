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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HypernetworkLoader reads and checks the file: strength 0 gives the model back, a file that is no
 * hypernetwork fails naming it, and any other strength fails saying the attention patches are missing
 * (never a silent no-op).
 */
class HypernetworkLoaderTest {
    @TempDir Path base;

    private Map<String, Object> mlp(int dim) {
        Map<String, Object> sd = new LinkedHashMap<>();
        sd.put("linear.0.weight", new FloatTensor(new float[dim * dim], new long[] {dim, dim}));
        sd.put("linear.0.bias", new FloatTensor(new float[dim], new long[] {dim}));
        return sd;
    }

    @Test
    void readsTheFileAndRefusesToPretendItApplied() throws Exception {
        Path checkpoint = Files.createDirectories(base.resolve("models/checkpoints")).resolve("tiny.safetensors");
        TinyCheckpoints.writeSd15(checkpoint, SdLayouts.Sizes.TINY, DType.F16, 3);
        Path folder = Files.createDirectories(base.resolve("models/hypernetworks"));
        TorchZipWriter.writeObject(folder.resolve("style.pt"),
                Map.of(32L, List.of(mlp(32), mlp(32)), "activation_func", "relu"));
        Files.write(folder.resolve("broken.pt"), new byte[] {'P', 'K', 3, 4, 0, 0});
        NodeServices services = TestServices.over(base);
        try {
            ModelHandle model = services.checkpoints().checkpoint(checkpoint).model();
            HypernetworkLoader node = new HypernetworkLoader(services);
            Map<String, Object> in = new HashMap<>(Map.of("model", model, "hypernetwork_name", "style.pt", "strength", 0.0));
            assertThat(node.execute(NodeInputs.of(in), null).values()).containsExactly(model);

            in.put("strength", 1.0);
            assertThatThrownBy(() -> node.execute(NodeInputs.of(in), null)).isInstanceOf(PyError.class)
                    .hasMessageContaining("style.pt is a hypernetwork for attention widths [32]")
                    .hasMessageContaining("attn1_patch, attn2_patch");

            in.put("hypernetwork_name", "broken.pt");
            assertThatThrownBy(() -> node.execute(NodeInputs.of(in), null)).isInstanceOf(PyError.class)
                    .hasMessageContaining("could not load the hypernetwork broken.pt");
        } finally {
            services.models().close();
        }
    }
}
