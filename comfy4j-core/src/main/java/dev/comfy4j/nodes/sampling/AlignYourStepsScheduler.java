package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import java.util.Arrays;
import java.util.Map;

/**
 * AlignYourStepsScheduler: NVIDIA's Align Your Steps noise levels (11 per model type), log-linearly
 * interpolated to steps + 1 values when steps is not 10, the last round(steps * denoise) + 1 of them
 * kept, the last set to 0. Computed in double (numpy), returned as float32.
 */
public final class AlignYourStepsScheduler implements Node {
    private static final Map<String, double[]> NOISE_LEVELS = Map.of(
            "SD1", new double[]{14.6146412293, 6.4745760956, 3.8636745985, 2.6946151520, 1.8841921177, 1.3943805092, 0.9642583904,
                0.6523686016, 0.3977456272, 0.1515232662, 0.0291671582},
            "SDXL", new double[]{14.6146412293, 6.3184485287, 3.7681790315, 2.1811480769, 1.3405244945, 0.8620721141, 0.5550693289,
                0.3798540708, 0.2332364134, 0.1114188177, 0.0291671582},
            "SVD", new double[]{700.00, 54.5, 15.886, 7.977, 4.248, 1.789, 0.981, 0.403, 0.173, 0.034, 0.002});

    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("AlignYourStepsScheduler", "comfy_extras.nodes_align_your_steps")
                .category("sampling/custom_sampling/schedulers")
                .input(Input.combo("model_type", "SD1", "SDXL", "SVD"))
                .input(Input.of("steps", "INT").defaultValue(10).min(1).max(10000))
                .input(Input.of("denoise", "FLOAT").defaultValue(1.0).min(0.0).max(1.0).step(0.01))
                .output(Output.of("SIGMAS"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        return NodeResult.of(new Sigmas(sigmas(in.string("model_type"), (int) in.integer("steps"), in.floating("denoise"))));
    }

    static float[] sigmas(String modelType, int steps, double denoise) {
        double[] levels = NOISE_LEVELS.get(modelType);
        if (levels == null) throw new IllegalArgumentException("unknown model_type: " + modelType);
        int total = steps;
        if (denoise < 1.0) {
            if (denoise <= 0.0) return new float[0];
            total = (int) Math.rint(steps * denoise);
        }
        double[] s = steps + 1 != levels.length ? loglinearInterp(levels, steps + 1) : levels.clone();
        int keep = Math.min(total + 1, s.length);
        double[] kept = Arrays.copyOfRange(s, s.length - keep, s.length);
        kept[kept.length - 1] = 0;
        float[] out = new float[kept.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) kept[i];
        return out;
    }

    /** np.interp of the reversed log levels on linspace(0, 1, n), exponentiated and reversed back. */
    static double[] loglinearInterp(double[] t, int n) {
        int m = t.length;
        double[] ys = new double[m];
        for (int i = 0; i < m; i++) ys[i] = Math.log(t[m - 1 - i]);
        double[] out = new double[n];
        for (int k = 0; k < n; k++) {
            double x = n == 1 ? 0 : (double) k / (n - 1);
            double pos = x * (m - 1);
            int lo = Math.min((int) Math.floor(pos), m - 2);
            double w = pos - lo;
            double y = ys[lo] + (ys[lo + 1] - ys[lo]) * w;
            out[n - 1 - k] = Math.exp(y);
        }
        return out;
    }
}
