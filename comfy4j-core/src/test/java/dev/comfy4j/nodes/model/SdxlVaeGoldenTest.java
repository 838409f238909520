package dev.comfy4j.nodes.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.model.SafetensorsFile;
import dev.comfy4j.model.vae.Vae;
import dev.comfy4j.model.sd.VaeHandle;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeCatalogue;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.latent.Latent;
import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.support.TestServices;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VAEDecode and VAEEncode with the VAE of the random SDXL checkpoint against ComfyUI 0.3.64
 * (shared/golden/numeric-sdxl/vae.safetensors, README item 6), rel-L2 5e-5: the VAE nodes work in VAE space,
 * without the SDXL latent scale (0.13025 applies only inside the sampler). A non-square latent to decode.
 */
class SdxlVaeGoldenTest {
    private static final String SET = "golden/numeric-sdxl/";
    private static final double TOLERANCE = 5e-5;
    @TempDir static Path base;
    private static NodeServices services;
    private static NodeRegistry nodes;
    private static Object vae;
    private static SafetensorsFile golden;

    @BeforeAll
    static void load() throws Exception {
        golden = SafetensorsFile.open(SharedFiles.require(SET + "vae.safetensors"));
        ModelFolder.layOutSdxl(base);
        services = TestServices.over(base);
        nodes = NodeCatalogue.registry(services);
        vae = run("CheckpointLoaderSimple", Map.of("ckpt_name", TestCheckpoints.SDXL_NAME)).get(2);
    }

    @AfterAll
    static void close() {
        if (services != null) services.models().close();
        if (golden != null) golden.close();
    }

    @Test
    void vaeDecodeMatchesComfyUi() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor latent = golden.tensor("vae/input/latent");
            assertThat(latent.shape()).containsExactly(1, 4, 16, 24);
            Tensor image = (Tensor) run("VAEDecode", Map.of("samples", Latent.of(latent), "vae", vae)).getFirst();
            assertThat(check("vae/decode/image", image)).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @Test
    void theDecoderOutputBeforeClampingMatchesComfyUi() throws Exception {
        try (TensorScope ignored = TensorScope.open();
                var lease = ((VaeHandle) vae).acquire()) {
            Vae loaded = lease.model().get();
            Tensor raw = loaded.model().decodeRaw(golden.tensor("vae/input/latent"));
            assertThat(check("vae/decode/raw", raw)).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    @Test
    void vaeEncodeMatchesComfyUi() throws Exception {
        try (TensorScope ignored = TensorScope.open()) {
            var latent = (Latent) run("VAEEncode", Map.of("pixels", golden.tensor("vae/input/image"), "vae", vae)).getFirst();
            assertThat(check("vae/encode/latent", latent.samples())).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    private static double check(String key, Tensor actual) {
        Tensor expected = golden.tensor(key);
        assertThat(actual.shape()).containsExactly(expected.shape());
        double rel = RelativeL2.of(actual, expected);
        System.out.printf("%s: rel-L2 %.3e%n", key, rel);
        return rel;
    }

    static List<Object> run(String type, Map<String, Object> inputs) throws Exception {
        Node node = nodes.get(type).factory().get();
        return node.execute(NodeInputs.of(inputs), new RecordingContext()).values();
    }
}
