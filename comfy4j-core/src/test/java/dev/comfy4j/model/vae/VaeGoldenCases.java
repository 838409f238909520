package dev.comfy4j.model.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.SafetensorsFile;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The VAE cases against ComfyUI 0.3.64's own VAEDecode / VAEEncode on the random SD1.5 checkpoint
 * ({@code shared/golden/numeric/vae.safetensors}, README section 6), for one compute dtype per subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class VaeGoldenCases {
    private static final Path GOLDEN = Path.of("../shared/golden/numeric/vae.safetensors");
    private final DType computeDtype;
    private final double tolerance;

    private StateDict checkpoint;
    private SafetensorsFile golden;
    private Vae vae;

    VaeGoldenCases(DType computeDtype, double tolerance) {
        this.computeDtype = computeDtype;
        this.tolerance = tolerance;
    }

    @BeforeAll
    void load() throws Exception {
        assumeTrue(Files.exists(GOLDEN), "skipped: " + GOLDEN + " is absent (the shared golden data is not checked out)");
        Path ckpt = TestCheckpoints.requireSd15();
        checkpoint = ModelFiles.loadStateDict(ckpt);
        golden = SafetensorsFile.open(GOLDEN);
        vae = new Vae(AutoencoderKL.fromStateDict(checkpoint, AutoencoderKL.CHECKPOINT_PREFIX, AutoencoderKL.Options.computingIn(computeDtype)));
    }

    @AfterAll
    void close() {
        if (vae != null) vae.close();
        if (golden != null) golden.close();
        if (checkpoint != null) checkpoint.close();
    }

    private double check(String key, Tensor actual) {
        Tensor expected = golden.tensor(key);
        assertThat(actual.shape()).containsExactly(expected.shape());
        double rel = RelativeL2.of(actual.toFloatArray(), expected.toFloatArray());
        System.out.printf("%s %s: rel-L2 %.3g%n", computeDtype, key, rel);
        assertThat(actual.dtype()).isEqualTo(DType.F32);
        return rel;
    }

    @Test
    void decodeRawMatchesTheDecoderOutputBeforeClamping() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor raw = vae.model().decodeRaw(golden.tensor("vae/input/latent"));
            assertThat(check("vae/decode/raw", raw)).isLessThanOrEqualTo(tolerance);
        }
    }

    @Test
    void decodeMatchesVaeDecodeNode() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor image = vae.decode(golden.tensor("vae/input/latent"));
            assertThat(image.shape()).containsExactly(1, 64, 64, 3);
            assertThat(check("vae/decode/image", image)).isLessThanOrEqualTo(tolerance);
        }
    }

    @Test
    void encodeMatchesVaeEncodeNode() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor latent = vae.encode(golden.tensor("vae/input/image"));
            assertThat(latent.shape()).containsExactly(1, 4, 8, 8);
            assertThat(check("vae/encode/latent", latent)).isLessThanOrEqualTo(tolerance);
        }
    }
}
