package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.sampling.Float32;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The SIGMAS editing nodes of ComfyUI's custom sampling: SplitSigmas, SplitSigmasDenoise, FlipSigmas,
 * SetFirstSigma and ExtendIntermediateSigmas. Slicing follows Python (negative ends count from the
 * back, out-of-range ends clamp).
 */
public final class SigmaNodes {
    private SigmaNodes() {}

    private static NodeSchema.Builder base(String name) {
        return NodeSchema.v1(name, "comfy_extras.nodes_custom_sampler").category("sampling/custom_sampling/sigmas")
                .input(Input.of("sigmas", "SIGMAS").noOptions());
    }

    private static float[] sigmas(NodeInputs in) {
        return Sigmas.from(in.get("sigmas"), "sigmas").values();
    }

    /** Python's a[start:end] for a 1-D array; null means the open end. */
    static float[] slice(float[] a, Integer start, Integer end) {
        int n = a.length;
        int s = start == null ? 0 : start < 0 ? Math.max(0, n + start) : Math.min(start, n);
        int e = end == null ? n : end < 0 ? Math.max(0, n + end) : Math.min(end, n);
        return e <= s ? new float[0] : Arrays.copyOfRange(a, s, e);
    }

    /** SplitSigmas: sigmas[:step + 1] and sigmas[step:]. */
    public static final class Split implements Node {
        @Override
        public NodeSchema schema() {
            return base("SplitSigmas").input(Input.of("step", "INT").defaultValue(0).min(0).max(10000))
                    .output(Output.of("SIGMAS").named("high_sigmas")).output(Output.of("SIGMAS").named("low_sigmas")).build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            float[] s = sigmas(in);
            int step = (int) in.integer("step");
            return NodeResult.of(new Sigmas(slice(s, null, step + 1)), new Sigmas(slice(s, step, null)));
        }
    }

    /**
     * SplitSigmasDenoise: n = round((len - 1) denoise) (half to even); sigmas[:-n] and sigmas[-(n + 1):].
     * With n = 0 the high part is empty, as {@code [:-0]} is in Python.
     */
    public static final class SplitDenoise implements Node {
        @Override
        public NodeSchema schema() {
            return base("SplitSigmasDenoise").input(Input.of("denoise", "FLOAT").defaultValue(1.0).min(0.0).max(1.0).step(0.01))
                    .output(Output.of("SIGMAS").named("high_sigmas")).output(Output.of("SIGMAS").named("low_sigmas")).build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            float[] s = sigmas(in);
            int steps = Math.max(s.length - 1, 0);
            int total = (int) Math.rint(steps * in.floating("denoise"));
            return NodeResult.of(new Sigmas(slice(s, null, -total)), new Sigmas(slice(s, -(total + 1), null)));
        }
    }

    /** FlipSigmas: reversed; a first sigma of 0 becomes 0.0001. */
    public static final class Flip implements Node {
        @Override
        public NodeSchema schema() {
            return base("FlipSigmas").output(Output.of("SIGMAS")).build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            float[] s = sigmas(in);
            float[] out = new float[s.length];
            for (int i = 0; i < s.length; i++) out[i] = s[s.length - 1 - i];
            if (out.length > 0 && out[0] == 0) out[0] = 0.0001f;
            return NodeResult.of(new Sigmas(out));
        }
    }

    /** SetFirstSigma: sigmas[0] replaced. */
    public static final class SetFirst implements Node {
        @Override
        public NodeSchema schema() {
            return base("SetFirstSigma").input(Input.of("sigma", "FLOAT").defaultValue(136.0).min(0.0).max(20000.0).step(0.001).round(false))
                    .output(Output.of("SIGMAS")).build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            float[] s = sigmas(in);
            if (s.length == 0) throw new IndexOutOfBoundsException("index 0 is out of bounds for dimension 0 with size 0");
            s[0] = (float) in.floating("sigma");
            return NodeResult.of(new Sigmas(s));
        }
    }

    /**
     * ExtendIntermediateSigmas: between each pair whose first sigma lies in [end_at_sigma, start_at_sigma]
     * (a negative start means no upper bound), steps - 1 sigmas spaced by linspace(0, 1, steps + 1)[1:-1]
     * mapped linearly, by sin(x pi / 2) (cosine) or 1 - cos(x pi / 2) (sine).
     */
    public static final class Extend implements Node {
        @Override
        public NodeSchema schema() {
            return base("ExtendIntermediateSigmas").input(Input.of("steps", "INT").defaultValue(2).min(1).max(100))
                    .input(Input.of("start_at_sigma", "FLOAT").defaultValue(-1.0).min(-1.0).max(20000.0).step(0.01).round(false))
                    .input(Input.of("end_at_sigma", "FLOAT").defaultValue(12.0).min(0.0).max(20000.0).step(0.01).round(false))
                    .input(Input.combo("spacing", "linear", "cosine", "sine").noOptions())
                    .output(Output.of("SIGMAS")).build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            float[] s = sigmas(in);
            int steps = (int) in.integer("steps");
            double start = in.floating("start_at_sigma");
            if (start < 0) start = Double.POSITIVE_INFINITY;
            double end = in.floating("end_at_sigma");
            String spacing = in.string("spacing");
            float[] x = slice(Float32.linspace(0, 1, steps + 1), 1, -1);
            float[] spaced = new float[x.length];
            for (int k = 0; k < x.length; k++) {
                spaced[k] = switch (spacing) {
                    case "cosine" -> (float) Math.sin(x[k] * (float) Math.PI / 2);
                    case "sine" -> 1 - (float) Math.cos(x[k] * (float) Math.PI / 2);
                    default -> x[k];
                };
            }
            List<Float> out = new ArrayList<>();
            for (int i = 0; i < s.length - 1; i++) {
                float current = s[i];
                out.add(current);
                if (end <= current && current <= start) {
                    for (float f : spaced) out.add(f * (s[i + 1] - current) + current);
                }
            }
            if (s.length > 0) out.add(s[s.length - 1]);
            float[] result = new float[out.size()];
            for (int i = 0; i < result.length; i++) result[i] = out.get(i);
            return NodeResult.of(new Sigmas(result));
        }
    }

    /** SamplingPercentToSigma: the model's percent_to_sigma; with return_actual_sigma 0% gives sigma_max and 100% sigma_min. */
    public static final class PercentToSigma implements Node {
        private final SamplingModels models;

        public PercentToSigma(SamplingModels models) {
            this.models = models;
        }

        @Override
        public NodeSchema schema() {
            return NodeSchema.v1("SamplingPercentToSigma", "comfy_extras.nodes_custom_sampler").category("sampling/custom_sampling/sigmas")
                    .input(Input.of("model", "MODEL"))
                    .input(Input.of("sampling_percent", "FLOAT").defaultValue(0.0).min(0.0).max(1.0).step(0.0001))
                    .input(Input.of("return_actual_sigma", "BOOLEAN").defaultValue(false).tooltip(
                            "Return the actual sigma value instead of the value used for interval checks.\nThis only affects results at 0.0 and 1.0."))
                    .output(Output.of("FLOAT").named("sigma_value")).build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
            var ms = models.modelSampling(in.get("model"));
            double percent = in.floating("sampling_percent");
            double sigma = ms.percentToSigma(percent);
            if (in.bool("return_actual_sigma")) {
                if (percent == 0.0) sigma = ms.sigmaMax();
                else if (percent == 1.0) sigma = ms.sigmaMin();
            }
            return NodeResult.of(sigma);
        }
    }
}
