package dev.comfy4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.comfy4j.model.SafetensorsFile;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** ComfyUI's schedules and KSampler sigma rules (shared/golden/numeric/sigmas.safetensors), within rel-L2 1e-6. */
class SigmasGoldenTest {
    private static final Path GOLDEN = Path.of("../shared/golden/numeric/sigmas.safetensors");
    private static final Pattern SCHEDULE = Pattern.compile("sigmas/([a-z_]+)/steps(\\d+)");
    private static final Pattern KSAMPLER = Pattern.compile("sigmas/ksampler/([a-z_0-9]+)/([a-z_]+)/steps(\\d+)/denoise([\\d.]+)");

    @Test
    void theComputedTableEqualsComfyUIsBuffers() throws Exception {
        assumeTrue(Files.exists(GOLDEN), "skipped: " + GOLDEN + " is absent (the shared golden data is not checked out)");
        try (SafetensorsFile file = SafetensorsFile.open(GOLDEN); TensorScope ignored = TensorScope.open()) {
            DiscreteModelSampling computed = DiscreteModelSampling.sd15();
            assertThat(relL2(computed.sigmas(), file.tensor("sigmas/model_sampling/sigmas").toFloatArray())).isLessThan(1e-7);
        }
    }

    @Test
    void everyScheduleAndKSamplerRuleMatchesComfyUI() throws Exception {
        assumeTrue(Files.exists(GOLDEN), "skipped: " + GOLDEN + " is absent (the shared golden data is not checked out)");
        int schedules = 0;
        int rules = 0;
        try (SafetensorsFile file = SafetensorsFile.open(GOLDEN); TensorScope ignored = TensorScope.open()) {
            ModelSampling model = DiscreteModelSampling.of(file.tensor("sigmas/model_sampling/sigmas").toFloatArray(),
                    file.tensor("sigmas/model_sampling/log_sigmas").toFloatArray());
            for (String key : file.tensors().keySet()) {
                float[] expected = file.tensor(key).toFloatArray();
                Matcher k = KSAMPLER.matcher(key);
                Matcher s = SCHEDULE.matcher(key);
                float[] actual;
                if (k.matches()) {
                    actual = SigmaSelection.forDenoise(model, k.group(1), Schedulers.byName(k.group(2)),
                            Integer.parseInt(k.group(3)), Double.parseDouble(k.group(4)));
                    rules++;
                } else if (s.matches() && !key.startsWith("sigmas/model_sampling/")) {
                    actual = Schedulers.byName(s.group(1)).sigmas(model, Integer.parseInt(s.group(2)));
                    schedules++;
                } else {
                    continue;
                }
                assertThat(actual.length).as(key).isEqualTo(expected.length);
                for (int i = 0; i < expected.length; i++) {
                    assertThat(Float.isNaN(actual[i])).as(key + " NaN at " + i).isEqualTo(Float.isNaN(expected[i]));
                }
                assertThat(relL2(actual, expected)).as(key).isLessThanOrEqualTo(1e-6);
            }
        }
        assertThat(schedules).isEqualTo(27);
        assertThat(rules).isEqualTo(8);
    }

    @Test
    void schedulerNamesAreComfyUIsInOrder() {
        assertThat(Schedulers.names()).containsExactly("simple", "sgm_uniform", "karras", "exponential", "ddim_uniform",
                "beta", "normal", "linear_quadratic", "kl_optimal");
    }

    /** rel-L2 in double over the non-NaN positions. */
    static double relL2(float[] actual, float[] expected) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            if (Float.isNaN(expected[i])) continue;
            double d = (double) actual[i] - expected[i];
            diff += d * d;
            norm += (double) expected[i] * expected[i];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }
}
