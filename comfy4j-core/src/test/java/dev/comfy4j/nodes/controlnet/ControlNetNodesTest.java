package dev.comfy4j.nodes.controlnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.sd.ControlNetHandle;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.nodes.loaders.ControlNetLoader;
import dev.comfy4j.python.PyError;
import dev.comfy4j.support.TestControlNets;
import dev.comfy4j.support.TestServices;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ControlNet nodes as ComfyUI's nodes.py and nodes_controlnet.py build conditioning: what each entry carries
 * under {@code control}, which applications are shared, chaining, strength 0, and the loader's answers to files
 * that are not (supported) ControlNets.
 */
class ControlNetNodesTest {
    @TempDir Path base;
    private NodeServices services;
    private TensorScope scope;
    private ControlNetHandle light;

    @BeforeEach
    void setUp() throws Exception {
        scope = TensorScope.open();
        services = TestServices.over(base);
        Path folder = Files.createDirectories(base.resolve("models/controlnet"));
        SafetensorsWriter.write(folder.resolve("light.safetensors"),
                TestControlNets.t2iLight(new long[]{32, 64, 128, 128}, 1, DType.F16), Map.of());
        light = (ControlNetHandle) run(ControlNetLoader.plain(services), "control_net_name", "light.safetensors").getFirst();
    }

    @AfterEach
    void tearDown() {
        scope.close();
    }

    private static List<Object> run(Node node, Object... keyValues) throws Exception {
        Map<String, Object> in = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) in.put((String) keyValues[i], keyValues[i + 1]);
        return node.execute(NodeInputs.of(in), null).values();
    }

    private static Conditioning conditioning(int entries) {
        Conditioning.Entry[] e = new Conditioning.Entry[entries];
        for (int i = 0; i < entries; i++) e[i] = new Conditioning.Entry(Tensor.zeros(DType.F32, 1, 2, 4), Map.of("n", (long) i));
        return Conditioning.of(e);
    }

    private static Tensor image() {
        return Tensor.zeros(DType.F32, 1, 16, 16, 3);
    }

    private List<Object> advanced(Conditioning pos, Conditioning neg, double strength, double start, double end) throws Exception {
        return run(new ControlNetApplyAdvanced(), "positive", pos, "negative", neg, "control_net", light, "image", image(),
                "strength", strength, "start_percent", start, "end_percent", end);
    }

    @Test
    void advancedGivesEveryEntryOneSharedApplicationAfterItsPreviousControl() throws Exception {
        Conditioning pos = conditioning(2);
        Conditioning neg = conditioning(1);
        List<Object> out = advanced(pos, neg, 0.6, 0.1, 0.9);
        Conditioning p = (Conditioning) out.get(0);
        Conditioning n = (Conditioning) out.get(1);
        ControlNetApplication c = (ControlNetApplication) p.get(0).get(Conditioning.CONTROL);
        assertThat(p.get(1).get(Conditioning.CONTROL)).isSameAs(c);
        assertThat(n.get(0).get(Conditioning.CONTROL)).isSameAs(c); // one application: the sampler batches both sides
        assertThat(p.get(0).get(Conditioning.CONTROL_APPLY_TO_UNCOND)).isEqualTo(false);
        assertThat(p.get(0).get("n")).isEqualTo(0L);
        assertThat(c.strength()).isEqualTo(0.6);
        assertThat(c.startPercent()).isEqualTo(0.1);
        assertThat(c.endPercent()).isEqualTo(0.9);
        assertThat(c.previous()).isNull();
        assertThat(pos.get(0).has(Conditioning.CONTROL)).as("the input is not changed").isFalse();

        // a second apply chains after the first, still one application for the entries that shared the first
        List<Object> again = advanced(p, n, 1.0, 0.0, 1.0);
        ControlNetApplication second = (ControlNetApplication) ((Conditioning) again.get(0)).get(0).get(Conditioning.CONTROL);
        assertThat(second.previous()).isSameAs(c);
        assertThat(((Conditioning) again.get(1)).get(0).get(Conditioning.CONTROL)).isSameAs(second);
        // the hint is reported to the output caches, the previous one's too
        List<Tensor> held = new java.util.ArrayList<>();
        second.forEachTensor(held::add);
        assertThat(held).hasSize(2);
    }

    @Test
    void strengthZeroReturnsTheConditioningsThemselves() throws Exception {
        Conditioning pos = conditioning(1);
        Conditioning neg = conditioning(1);
        List<Object> out = advanced(pos, neg, 0.0, 0.0, 1.0);
        assertThat(out.get(0)).isSameAs(pos);
        assertThat(out.get(1)).isSameAs(neg);
        assertThat(run(new ControlNetApply(), "conditioning", pos, "control_net", light, "image", image(), "strength", 0.0).getFirst())
                .isSameAs(pos);
    }

    @Test
    void theOldApplyGivesEachEntryItsOwnApplicationLentToTheNegativeSide() throws Exception {
        Conditioning c = (Conditioning) run(new ControlNetApply(), "conditioning", conditioning(2), "control_net", light,
                "image", image(), "strength", 0.5).getFirst();
        ControlNetApplication a = (ControlNetApplication) c.get(0).get(Conditioning.CONTROL);
        assertThat(c.get(1).get(Conditioning.CONTROL)).isNotSameAs(a);
        assertThat(c.get(0).get(Conditioning.CONTROL_APPLY_TO_UNCOND)).isEqualTo(true);
        assertThat(a.startPercent()).isEqualTo(0.0);
        assertThat(a.endPercent()).isEqualTo(1.0);
    }

    @Test
    void inpaintingAliMamaIsTheAdvancedApplyForControlNetsWithoutMaskInput() throws Exception {
        List<Object> out = run(new ControlNetInpaintingAliMamaApply(), "positive", conditioning(1), "negative", conditioning(1),
                "control_net", light, "vae", new Object(), "image", image(), "mask", Tensor.zeros(DType.F32, 1, 16, 16),
                "strength", 0.7, "start_percent", 0.0, "end_percent", 1.0);
        ControlNetApplication c = (ControlNetApplication) ((Conditioning) out.get(0)).get(0).get(Conditioning.CONTROL);
        assertThat(c.strength()).isEqualTo(0.7);
        assertThat(((Conditioning) out.get(1)).get(0).get(Conditioning.CONTROL)).isSameAs(c);
    }

    @Test
    void setUnionControlNetTypePassesAutoAndRefusesATypeForANonUnionModel() throws Exception {
        assertThat(run(new SetUnionControlNetType(), "control_net", light, "type", "auto").getFirst()).isSameAs(light);
        assertThatThrownBy(() -> run(new SetUnionControlNetType(), "control_net", light, "type", "depth"))
                .isInstanceOf(PyError.class).hasMessageContaining("light.safetensors").hasMessageContaining("not a union ControlNet");
    }

    @Test
    void filesThatAreNoSupportedControlNetFailAtTheLoaderNamingTheFile() throws Exception {
        Path folder = base.resolve("models/controlnet");
        write(folder, "random_keys.safetensors", Map.of("foo.weight", new long[]{2, 2}));
        write(folder, "union.safetensors", Map.of("controlnet_cond_embedding.conv_in.weight", new long[]{16, 3, 3, 3},
                "control_add_embedding.linear_1.bias", new long[]{4}));
        write(folder, "control_lora.safetensors", Map.of("lora_controlnet", new long[]{1}));
        write(folder, "flux.safetensors", Map.of("controlnet_blocks.0.weight", new long[]{2, 2}));
        Map<String, long[]> sdxl = new LinkedHashMap<>();
        sdxl.put("control_model.zero_convs.0.0.weight", new long[]{32, 32, 1, 1});
        sdxl.put("control_model.input_blocks.0.0.weight", new long[]{32, 4, 3, 3});
        sdxl.put("control_model.label_emb.0.0.weight", new long[]{128, 64});
        write(folder, "sdxl.safetensors", sdxl);
        Files.write(folder.resolve("corrupt.safetensors"), new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        expectInvalid("random_keys.safetensors", "neither a ControlNet");
        expectInvalid("union.safetensors", "union ControlNet");
        expectInvalid("control_lora.safetensors", "Control-LoRA");
        expectInvalid("flux.safetensors", "MMDiT");
        expectInvalid("sdxl.safetensors", "SDXL ControlNet");
        expectInvalid("corrupt.safetensors", "cannot be read");
        assertThatThrownBy(() -> run(ControlNetLoader.plain(services), "control_net_name", "missing.safetensors"))
                .isInstanceOf(PyError.class).hasMessage("Model in folder 'controlnet' with filename 'missing.safetensors' not found.");
    }

    private void expectInvalid(String name, String reason) {
        assertThatThrownBy(() -> run(ControlNetLoader.plain(services), "control_net_name", name))
                .isInstanceOf(PyError.class)
                .hasMessageStartingWith("ERROR: controlnet file is invalid and does not contain a valid controlnet model: " + name)
                .hasMessageContaining(reason);
    }

    private static void write(Path folder, String name, Map<String, long[]> shapes) throws Exception {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        shapes.forEach((k, s) -> tensors.put(k, Tensor.zeros(DType.F16, s)));
        SafetensorsWriter.write(folder.resolve(name), tensors, Map.of());
    }

    @Test
    void theT2iAdapterFolderIsPartOfTheControlNetFolder() throws Exception {
        assertThat(light.globalAveragePooling()).isFalse();
        Path t2i = Files.createDirectories(base.resolve("models/t2i_adapter"));
        SafetensorsWriter.write(t2i.resolve("adapter.safetensors"),
                TestControlNets.t2iFull(32, 1, 3, false, 2, DType.F16), Map.of());
        assertThat(services.folders().models().filenames("controlnet")).contains("adapter.safetensors", "light.safetensors");
        ControlNetHandle full = (ControlNetHandle) run(ControlNetLoader.plain(services), "control_net_name", "adapter.safetensors").getFirst();
        assertThat(full.format().describe()).isEqualTo("T2I-Adapter (full, 1 hint channels)");
    }
}
