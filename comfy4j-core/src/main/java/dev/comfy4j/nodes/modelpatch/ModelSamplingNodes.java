package dev.comfy4j.nodes.modelpatch;

import dev.comfy4j.model.options.ContinuousParameterisation;
import dev.comfy4j.model.options.DiscreteParameterisation;
import dev.comfy4j.model.options.Parameterisation;
import dev.comfy4j.nodes.FiniteFloats;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyError;

/**
 * ModelSamplingDiscrete, ModelSamplingContinuousEDM and ModelSamplingContinuousV
 * ({@code comfy_extras/nodes_model_advanced.py}): the MODEL with another {@code model_sampling} object, its
 * sigma table and parameterisation (see {@link DiscreteParameterisation}, {@link ContinuousParameterisation}).
 */
public final class ModelSamplingNodes {
    private static final String MODULE = "comfy_extras.nodes_model_advanced";

    private ModelSamplingNodes() {}

    /** ModelSamplingDiscrete: eps, v_prediction, lcm (the 50-step distilled table), x0, img_to_img; zsnr rescales the table. */
    public static final class Discrete implements Node {
        @Override
        public NodeSchema schema() {
            return NodeSchema.v1("ModelSamplingDiscrete", MODULE)
                    .category("advanced/model")
                    .input(Input.of("model", "MODEL").noOptions())
                    .input(Input.combo("sampling", "eps", "v_prediction", "lcm", "x0", "img_to_img").noOptions())
                    .input(Input.bool("zsnr").defaultValue(false))
                    .output(Output.of("MODEL"))
                    .build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            DiscreteParameterisation.Kind kind = switch (in.string("sampling")) {
                case "eps" -> DiscreteParameterisation.Kind.EPS;
                case "v_prediction" -> DiscreteParameterisation.Kind.V_PREDICTION;
                case "lcm" -> DiscreteParameterisation.Kind.LCM;
                case "x0" -> DiscreteParameterisation.Kind.X0;
                case "img_to_img" -> DiscreteParameterisation.Kind.IMG_TO_IMG;
                default -> throw PyError.valueError("unknown sampling " + in.string("sampling"));
            };
            Parameterisation p = DiscreteParameterisation.of(kind, in.bool("zsnr"));
            return ModelPatches.patched(in, o -> o.withModelSampling(p));
        }
    }

    /** ModelSamplingContinuousEDM: v_prediction, edm, eps and cosmos_rflow over a log-spaced continuous schedule. */
    public static final class ContinuousEdm implements Node {
        @Override
        public NodeSchema schema() {
            return NodeSchema.v1("ModelSamplingContinuousEDM", MODULE)
                    .category("advanced/model")
                    .input(Input.of("model", "MODEL").noOptions())
                    .input(Input.combo("sampling", "v_prediction", "edm", "edm_playground_v2.5", "eps", "cosmos_rflow").noOptions())
                    .input(sigma("sigma_max", 120.0))
                    .input(sigma("sigma_min", 0.002))
                    .output(Output.of("MODEL"))
                    .build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            double max = FiniteFloats.of(in, "sigma_max");
            double min = FiniteFloats.of(in, "sigma_min");
            Parameterisation p = switch (in.string("sampling")) {
                case "eps" -> continuous(ContinuousParameterisation.Schedule.EDM, ContinuousParameterisation.Kind.EPS, min, max, 1.0);
                case "v_prediction" -> continuous(ContinuousParameterisation.Schedule.EDM, ContinuousParameterisation.Kind.V_PREDICTION,
                        min, max, 1.0);
                case "edm" -> continuous(ContinuousParameterisation.Schedule.EDM, ContinuousParameterisation.Kind.EDM, min, max, 0.5);
                case "cosmos_rflow" -> continuous(ContinuousParameterisation.Schedule.COSMOS_RFLOW,
                        ContinuousParameterisation.Kind.COSMOS_RFLOW, min, max, 1.0);
                // also replaces the latent format with Playground v2.5's (per-channel mean and std), which the
                // SD1.x latent pipeline here does not have
                case "edm_playground_v2.5" -> throw PyError.valueError(
                        "sampling edm_playground_v2.5 needs the Playground v2.5 latent format, which comfy4j does not support");
                default -> throw PyError.valueError("unknown sampling " + in.string("sampling"));
            };
            return ModelPatches.patched(in, o -> o.withModelSampling(p));
        }
    }

    /** ModelSamplingContinuousV: v_prediction over a continuous schedule with {@code t = atan(sigma) * 2 / pi}. */
    public static final class ContinuousV implements Node {
        @Override
        public NodeSchema schema() {
            return NodeSchema.v1("ModelSamplingContinuousV", MODULE)
                    .category("advanced/model")
                    .input(Input.of("model", "MODEL").noOptions())
                    .input(Input.combo("sampling", "v_prediction").noOptions())
                    .input(sigma("sigma_max", 500.0))
                    .input(sigma("sigma_min", 0.03))
                    .output(Output.of("MODEL"))
                    .build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            Parameterisation p = continuous(ContinuousParameterisation.Schedule.V, ContinuousParameterisation.Kind.V_PREDICTION,
                    FiniteFloats.of(in, "sigma_min"), FiniteFloats.of(in, "sigma_max"), 1.0);
            return ModelPatches.patched(in, o -> o.withModelSampling(p));
        }
    }

    private static Input sigma(String name, double defaultValue) {
        return Input.floating(name).defaultValue(defaultValue).min(0.0).max(1000.0).step(0.001).round(false);
    }

    private static Parameterisation continuous(ContinuousParameterisation.Schedule schedule, ContinuousParameterisation.Kind kind,
            double min, double max, double sigmaData) {
        try {
            return new ContinuousParameterisation(schedule, kind, min, max, sigmaData);
        } catch (IllegalArgumentException e) {
            throw PyError.valueError(e.getMessage());
        }
    }
}
