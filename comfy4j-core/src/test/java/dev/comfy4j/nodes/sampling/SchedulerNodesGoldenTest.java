package dev.comfy4j.nodes.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.model.SafetensorsFile;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.sampling.DiscreteModelSampling;
import dev.comfy4j.sampling.GuidedModel;
import dev.comfy4j.sampling.ModelSampling;
import dev.comfy4j.tensor.TensorScope;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The scheduler nodes against ComfyUI's schedules (shared/golden/numeric/sigmas.safetensors, the
 * model's own sigma buffers): BasicScheduler for every scheduler and step count, and the Karras and
 * Exponential nodes given the model's sigma_min and sigma_max, within rel-L2 1e-6.
 */
class SchedulerNodesGoldenTest {
    private static final Pattern SCHEDULE = Pattern.compile("sigmas/([a-z_]+)/steps(\\d+)");

    @Test
    void theSchedulerNodesGiveComfyUIsSigmas() throws Exception {
        var path = SharedFiles.require("golden/numeric/sigmas.safetensors");
        int checked = 0;
        try (SafetensorsFile file = SafetensorsFile.open(path); TensorScope ignored = TensorScope.open()) {
            ModelSampling model = DiscreteModelSampling.of(file.tensor("sigmas/model_sampling/sigmas").toFloatArray(),
                    file.tensor("sigmas/model_sampling/log_sigmas").toFloatArray());
            SamplingModels models = new SamplingModels() {
                @Override public GuidedModel open(Object m) { throw new AssertionError("the scheduler nodes need no weights"); }
                @Override public ModelSampling modelSampling(Object m) { return model; }
            };
            for (String key : file.tensors().keySet()) {
                Matcher s = SCHEDULE.matcher(key);
                if (!s.matches() || key.startsWith("sigmas/model_sampling/")) continue;
                String scheduler = s.group(1);
                long steps = Long.parseLong(s.group(2));
                float[] expected = file.tensor(key).toFloatArray();
                Sigmas basic = (Sigmas) new BasicScheduler(models).execute(NodeInputs.of(Map.of("model", "m", "scheduler", scheduler,
                        "steps", steps, "denoise", 1.0)), null).values().get(0);
                assertThat(relL2(basic.values(), expected)).as("BasicScheduler " + key).isLessThanOrEqualTo(1e-6);
                checked++;
                Map<String, Object> range = Map.of("steps", steps, "sigma_max", model.sigmaMax(), "sigma_min", model.sigmaMin(), "rho", 7.0);
                if (scheduler.equals("karras")) {
                    Sigmas k = (Sigmas) FormulaSchedulers.karras().execute(NodeInputs.of(range), null).values().get(0);
                    assertThat(relL2(k.values(), expected)).as("KarrasScheduler " + key).isLessThanOrEqualTo(1e-6);
                }
                if (scheduler.equals("exponential")) {
                    Sigmas e = (Sigmas) FormulaSchedulers.exponential().execute(NodeInputs.of(range), null).values().get(0);
                    assertThat(relL2(e.values(), expected)).as("ExponentialScheduler " + key).isLessThanOrEqualTo(1e-6);
                }
            }
        }
        assertThat(checked).isEqualTo(27);
    }

    /** rel-L2 in double over the non-NaN positions, which must agree. */
    private static double relL2(float[] actual, float[] expected) {
        assertThat(actual.length).isEqualTo(expected.length);
        double num = 0;
        double den = 0;
        for (int i = 0; i < expected.length; i++) {
            assertThat(Float.isNaN(actual[i])).isEqualTo(Float.isNaN(expected[i]));
            if (Float.isNaN(expected[i])) continue;
            double d = actual[i] - (double) expected[i];
            num += d * d;
            den += expected[i] * (double) expected[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }
}
