package dev.comfy4j.nodes.sampling;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.sampling.Sampler;
import dev.comfy4j.sampling.Samplers;
import dev.comfy4j.sampling.samplers.EulerCfgPpAlternative;
import dev.comfy4j.sampling.samplers.LcmUpscale;
import dev.comfy4j.sampling.samplers.DpmAdaptive;
import dev.comfy4j.sampling.samplers.Dpmpp2mSde;
import dev.comfy4j.sampling.samplers.Dpmpp2sAncestral;
import dev.comfy4j.sampling.samplers.Dpmpp3mSde;
import dev.comfy4j.sampling.samplers.DpmppSde;
import dev.comfy4j.sampling.samplers.ErSde;
import dev.comfy4j.sampling.samplers.EulerAncestral;
import dev.comfy4j.sampling.samplers.EulerAncestralCfgPp;
import dev.comfy4j.sampling.samplers.Lms;
import dev.comfy4j.sampling.samplers.SaSolver;

/**
 * The Sampler* option nodes of ComfyUI's custom sampling: each declares its options and builds the
 * sampler with them ({@code comfy.samplers.ksampler(name, options)}). The {@code noise_device} choice
 * picks the {@code _gpu} or plain name; both draw the Brownian tree on the CPU here.
 */
public final class SamplerOptionNode implements Node {
    /** Builds the sampler from the node's inputs. */
    @FunctionalInterface
    interface Factory {
        Sampler build(NodeInputs in) throws Exception;
    }

    private final NodeSchema schema;
    private final Factory factory;

    private SamplerOptionNode(NodeSchema schema, Factory factory) {
        this.schema = schema;
        this.factory = factory;
    }

    @Override
    public NodeSchema schema() {
        return schema;
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        return NodeResult.of(new SamplerChoice(factory.build(in)));
    }

    private static NodeSchema.Builder base(String name) {
        return NodeSchema.v1(name, "comfy_extras.nodes_custom_sampler").category("sampling/custom_sampling/samplers");
    }

    private static Input unrounded(String name, double def, double min, double max) {
        return Input.of(name, "FLOAT").defaultValue(def).min(min).max(max).step(0.01).round(false);
    }

    private static Input eta() {
        return unrounded("eta", 1.0, 0.0, 100.0);
    }

    private static Input sNoise() {
        return unrounded("s_noise", 1.0, 0.0, 100.0);
    }

    private static Input noiseDevice() {
        return Input.combo("noise_device", "gpu", "cpu").noOptions();
    }

    private static String deviceName(NodeInputs in, String name) {
        return "cpu".equals(in.string("noise_device")) ? name : name + "_gpu";
    }

    public static SamplerOptionNode eulerAncestral() {
        return new SamplerOptionNode(base("SamplerEulerAncestral").input(eta()).input(sNoise()).output(Output.of("SAMPLER")).build(),
                in -> new EulerAncestral(in.floating("eta"), in.floating("s_noise")));
    }

    public static SamplerOptionNode eulerAncestralCfgPp() {
        return new SamplerOptionNode(base("SamplerEulerAncestralCFGPP").displayName("SamplerEulerAncestralCFG++")
                .input(unrounded("eta", 1.0, 0.0, 1.0)).input(unrounded("s_noise", 1.0, 0.0, 10.0)).output(Output.of("SAMPLER")).build(),
                in -> new EulerAncestralCfgPp(in.floating("eta"), in.floating("s_noise")));
    }

    /** SamplerLCMUpscale: LCM that enlarges the latent during the first steps; scale_steps -1 is ComfyUI's default count. */
    public static SamplerOptionNode lcmUpscale() {
        return new SamplerOptionNode(NodeSchema.v3("SamplerLCMUpscale", "comfy_extras.nodes_advanced_samplers")
                .category("sampling/custom_sampling/samplers")
                .input(Input.of("scale_ratio", "FLOAT").defaultValue(1.0).min(0.1).max(20.0).step(0.01))
                .input(Input.of("scale_steps", "INT").defaultValue(-1).min(-1).max(1000).step(1))
                .input(Input.combo("upscale_method", "bislerp", "nearest-exact", "bilinear", "area", "bicubic"))
                .output(Output.of("SAMPLER")).build(),
                in -> new LcmUpscale(in.floating("scale_ratio"), in.integer("scale_steps") < 0 ? null : (int) in.integer("scale_steps"),
                        in.string("upscale_method")));
    }

    /** SamplerEulerCFGpp: "regular" is KSampler's euler_cfg_pp, "alternative" ComfyUI's sample_euler_pp. */
    public static SamplerOptionNode eulerCfgPp() {
        return new SamplerOptionNode(NodeSchema.v3("SamplerEulerCFGpp", "comfy_extras.nodes_advanced_samplers")
                .displayName("SamplerEulerCFG++")
                .category("_for_testing")
                .experimental()
                .input(Input.combo("version", "regular", "alternative"))
                .output(Output.of("SAMPLER")).build(),
                in -> "alternative".equals(in.string("version")) ? new EulerCfgPpAlternative() : Samplers.byName("euler_cfg_pp"));
    }

    public static SamplerOptionNode lms() {
        return new SamplerOptionNode(base("SamplerLMS").input(Input.of("order", "INT").defaultValue(4).min(1).max(100))
                .output(Output.of("SAMPLER")).build(), in -> new Lms((int) in.integer("order")));
    }

    public static SamplerOptionNode dpmpp3mSde() {
        return new SamplerOptionNode(base("SamplerDPMPP_3M_SDE").input(eta()).input(sNoise()).input(noiseDevice())
                .output(Output.of("SAMPLER")).build(),
                in -> new Dpmpp3mSde(deviceName(in, "dpmpp_3m_sde"), in.floating("eta"), in.floating("s_noise")));
    }

    public static SamplerOptionNode dpmpp2mSde() {
        return new SamplerOptionNode(base("SamplerDPMPP_2M_SDE").input(Input.combo("solver_type", "midpoint", "heun").noOptions())
                .input(eta()).input(sNoise()).input(noiseDevice()).output(Output.of("SAMPLER")).build(),
                in -> new Dpmpp2mSde(deviceName(in, "dpmpp_2m_sde"), "heun".equals(in.string("solver_type")), in.floating("eta"),
                        in.floating("s_noise")));
    }

    public static SamplerOptionNode dpmppSde() {
        return new SamplerOptionNode(base("SamplerDPMPP_SDE").input(eta()).input(sNoise()).input(unrounded("r", 0.5, 0.0, 100.0))
                .input(noiseDevice()).output(Output.of("SAMPLER")).build(),
                in -> new DpmppSde(deviceName(in, "dpmpp_sde"), in.floating("eta"), in.floating("s_noise"), in.floating("r")));
    }

    public static SamplerOptionNode dpmpp2sAncestral() {
        return new SamplerOptionNode(base("SamplerDPMPP_2S_Ancestral").input(eta()).input(sNoise()).output(Output.of("SAMPLER")).build(),
                in -> new Dpmpp2sAncestral(in.floating("eta"), in.floating("s_noise")));
    }

    public static SamplerOptionNode dpmAdaptive() {
        return new SamplerOptionNode(base("SamplerDPMAdaptative").input(Input.of("order", "INT").defaultValue(3).min(2).max(3))
                .input(unrounded("rtol", 0.05, 0.0, 100.0)).input(unrounded("atol", 0.0078, 0.0, 100.0))
                .input(unrounded("h_init", 0.05, 0.0, 100.0)).input(unrounded("pcoeff", 0.0, 0.0, 100.0))
                .input(unrounded("icoeff", 1.0, 0.0, 100.0)).input(unrounded("dcoeff", 0.0, 0.0, 100.0))
                .input(unrounded("accept_safety", 0.81, 0.0, 100.0)).input(unrounded("eta", 0.0, 0.0, 100.0)).input(sNoise())
                .output(Output.of("SAMPLER")).build(),
                in -> new DpmAdaptive(new DpmAdaptive.Options((int) in.integer("order"), in.floating("rtol"), in.floating("atol"),
                        in.floating("h_init"), in.floating("pcoeff"), in.floating("icoeff"), in.floating("dcoeff"),
                        in.floating("accept_safety"), in.floating("eta"), in.floating("s_noise"))));
    }

    /** SamplerER_SDE: ER-SDE's own scaler, or x^(eta + 1) for the reverse-time SDE; ODE (or eta 0) draws no noise. */
    public static SamplerOptionNode erSde() {
        return new SamplerOptionNode(base("SamplerER_SDE")
                .input(Input.of("solver_type", "COMBO").option("options", java.util.List.of("ER-SDE", "Reverse-time SDE", "ODE")))
                .input(Input.of("max_stage", "INT").defaultValue(3).min(1).max(3))
                .input(eta().tooltip("Stochastic strength of reverse-time SDE.\nWhen eta=0, it reduces to deterministic ODE."
                        + " This setting doesn't apply to ER-SDE solver type."))
                .input(sNoise()).output(Output.of("SAMPLER")).build(),
                in -> {
                    String type = in.string("solver_type");
                    double eta = in.floating("eta");
                    double sNoise = in.floating("s_noise");
                    if ("ODE".equals(type) || ("Reverse-time SDE".equals(type) && eta == 0)) {
                        eta = 0;
                        sNoise = 0;
                    }
                    double power = eta + 1;
                    java.util.function.DoubleUnaryOperator scaler = "ER-SDE".equals(type) ? ErSde::defaultScaler : x -> Math.pow(x, power);
                    return new ErSde(sNoise, (int) in.integer("max_stage"), scaler);
                });
    }

    /** SamplerSASolver: the SDE interval from the MODEL's percent_to_sigma of the start and end percents. */
    public static SamplerOptionNode saSolver(SamplingModels models) {
        return new SamplerOptionNode(base("SamplerSASolver").input(Input.of("model", "MODEL"))
                .input(unrounded("eta", 1.0, 0.0, 10.0))
                .input(Input.of("sde_start_percent", "FLOAT").defaultValue(0.2).min(0.0).max(1.0).step(0.001))
                .input(Input.of("sde_end_percent", "FLOAT").defaultValue(0.8).min(0.0).max(1.0).step(0.001))
                .input(sNoise())
                .input(Input.of("predictor_order", "INT").defaultValue(3).min(1).max(6))
                .input(Input.of("corrector_order", "INT").defaultValue(4).min(0).max(6))
                .input(Input.of("use_pece", "BOOLEAN")).input(Input.of("simple_order_2", "BOOLEAN"))
                .output(Output.of("SAMPLER")).build(),
                in -> {
                    var ms = models.modelSampling(in.get("model"));
                    double start = in.floating("sde_start_percent");
                    double end = in.floating("sde_end_percent");
                    var options = new SaSolver.Options(in.floating("eta"), start, end, in.floating("s_noise"), (int) in.integer("predictor_order"),
                            (int) in.integer("corrector_order"), in.bool("use_pece"), in.bool("simple_order_2"), Double.NaN, Double.NaN)
                            .withSigmas(ms.percentToSigma(start), ms.percentToSigma(end));
                    return new SaSolver(options);
                });
    }
}
