package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.sampling.Float32;
import java.util.function.Function;

/**
 * The scheduler nodes that are a formula of their inputs (no model): Karras, Exponential,
 * Polyexponential, Laplace and VP, as k-diffusion's {@code get_sigmas_*} compute them in float32.
 */
public final class FormulaSchedulers implements Node {
    private final NodeSchema schema;
    private final Function<NodeInputs, float[]> formula;

    private FormulaSchedulers(NodeSchema schema, Function<NodeInputs, float[]> formula) {
        this.schema = schema;
        this.formula = formula;
    }

    @Override
    public NodeSchema schema() {
        return schema;
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        return NodeResult.of(new Sigmas(formula.apply(in)));
    }

    private static NodeSchema.Builder base(String name) {
        return NodeSchema.v1(name, "comfy_extras.nodes_custom_sampler").category("sampling/custom_sampling/schedulers")
                .input(Input.of("steps", "INT").defaultValue(20).min(1).max(10000));
    }

    private static Input unrounded(String name, double def, double min, double max, double step) {
        return Input.of(name, "FLOAT").defaultValue(def).min(min).max(max).step(step).round(false);
    }

    private static NodeSchema.Builder withRange(String name) {
        return base(name).input(unrounded("sigma_max", 14.614642, 0.0, 5000.0, 0.01)).input(unrounded("sigma_min", 0.0291675, 0.0, 5000.0, 0.01));
    }

    public static FormulaSchedulers karras() {
        return new FormulaSchedulers(withRange("KarrasScheduler").input(unrounded("rho", 7.0, 0.0, 100.0, 0.01)).output(Output.of("SIGMAS")).build(),
                in -> dev.comfy4j.sampling.schedulers.KarrasScheduler.of(steps(in), in.floating("sigma_min"), in.floating("sigma_max"),
                        in.floating("rho")));
    }

    public static FormulaSchedulers exponential() {
        return new FormulaSchedulers(withRange("ExponentialScheduler").output(Output.of("SIGMAS")).build(),
                in -> dev.comfy4j.sampling.schedulers.ExponentialScheduler.of(steps(in), in.floating("sigma_min"), in.floating("sigma_max")));
    }

    public static FormulaSchedulers polyexponential() {
        return new FormulaSchedulers(withRange("PolyexponentialScheduler").input(unrounded("rho", 1.0, 0.0, 100.0, 0.01))
                .output(Output.of("SIGMAS")).build(), in -> polyexponential(steps(in), in.floating("sigma_min"), in.floating("sigma_max"),
                in.floating("rho")));
    }

    public static FormulaSchedulers laplace() {
        return new FormulaSchedulers(withRange("LaplaceScheduler").input(unrounded("mu", 0.0, -10.0, 10.0, 0.1))
                .input(unrounded("beta", 0.5, 0.0, 10.0, 0.1)).output(Output.of("SIGMAS")).build(),
                in -> laplace(steps(in), in.floating("sigma_min"), in.floating("sigma_max"), in.floating("mu"), in.floating("beta")));
    }

    public static FormulaSchedulers vp() {
        return new FormulaSchedulers(base("VPScheduler").input(unrounded("beta_d", 19.9, 0.0, 5000.0, 0.01))
                .input(unrounded("beta_min", 0.1, 0.0, 5000.0, 0.01)).input(unrounded("eps_s", 0.001, 0.0, 1.0, 0.0001))
                .output(Output.of("SIGMAS")).build(),
                in -> vp(steps(in), in.floating("beta_d"), in.floating("beta_min"), in.floating("eps_s")));
    }

    private static int steps(NodeInputs in) {
        return (int) in.integer("steps");
    }

    /** exp(linspace(1, 0, n)^rho (log max - log min) + log min), then 0. */
    static float[] polyexponential(int n, double sigmaMin, double sigmaMax, double rho) {
        float[] ramp = Float32.linspace(1, 0, n);
        float logMin = (float) Math.log(sigmaMin);
        float span = (float) (Math.log(sigmaMax) - Math.log(sigmaMin));
        float[] out = new float[n + 1];
        for (int i = 0; i < n; i++) out[i] = (float) Math.exp((float) Math.pow(ramp[i], rho) * span + logMin);
        return out;
    }

    /** mu - beta sign(0.5 - x) log(1 - 2 |0.5 - x| + 1e-5) over x = linspace(0, 1, n), exp, clamped; no trailing 0. */
    static float[] laplace(int n, double sigmaMin, double sigmaMax, double mu, double beta) {
        float[] x = Float32.linspace(0, 1, n);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            float d = 0.5f - x[i];
            float lmb = (float) (mu - beta * Math.signum(d) * (float) Math.log(1 - 2 * Math.abs(d) + 1e-5f));
            float sigma = (float) Math.exp(lmb);
            out[i] = (float) Math.min(Math.max(sigma, sigmaMin), sigmaMax);
        }
        return out;
    }

    /** sqrt(expm1(beta_d t^2 / 2 + beta_min t)) over t = linspace(1, eps_s, n), then 0. */
    static float[] vp(int n, double betaD, double betaMin, double epsS) {
        float[] t = Float32.linspace(1, epsS, n);
        float[] out = new float[n + 1];
        for (int i = 0; i < n; i++) out[i] = (float) Math.sqrt((float) Math.expm1((float) (betaD * t[i] * t[i] / 2 + betaMin * t[i])));
        return out;
    }
}
