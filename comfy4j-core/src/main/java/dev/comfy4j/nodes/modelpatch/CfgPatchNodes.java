package dev.comfy4j.nodes.modelpatch;

import dev.comfy4j.nodes.FiniteFloats;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/** CFGZeroStar, CFGNorm, Epsilon Scaling, TCFG and APG: guidance functions added to the MODEL's options. */
public final class CfgPatchNodes {
    private CfgPatchNodes() {}

    public static final class CFGZeroStar implements Node {
        @Override
        public NodeSchema schema() {
            return NodeSchema.v3("CFGZeroStar", "comfy_extras.nodes_cfg")
                    .category("advanced/guidance")
                    .input(Input.of("model", "MODEL"))
                    .output(Output.of("MODEL").named("patched_model"))
                    .build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            return ModelPatches.patched(in, o -> o.withPostCfgFunction(new CfgPostFunctions.ZeroStar(), false));
        }
    }

    public static final class CFGNorm implements Node {
        @Override
        public NodeSchema schema() {
            return NodeSchema.v3("CFGNorm", "comfy_extras.nodes_cfg")
                    .category("advanced/guidance")
                    .input(Input.of("model", "MODEL"))
                    .input(Input.of("strength", "FLOAT").defaultValue(1.0).min(0.0).max(100.0).step(0.01))
                    .output(Output.of("MODEL").named("patched_model"))
                    .experimental()
                    .build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            double strength = FiniteFloats.of(in, "strength");
            return ModelPatches.patched(in, o -> o.withPostCfgFunction(new CfgPostFunctions.Norm(strength), false));
        }
    }

    public static final class EpsilonScaling implements Node {
        @Override
        public NodeSchema schema() {
            return NodeSchema.v3("Epsilon Scaling", "comfy_extras.nodes_eps")
                    .category("model_patches/unet")
                    .input(Input.of("model", "MODEL"))
                    .input(Input.of("scaling_factor", "FLOAT").defaultValue(1.005).min(0.5).max(1.5).step(0.001).display("number"))
                    .output(Output.of("MODEL"))
                    .build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            double factor = FiniteFloats.of(in, "scaling_factor");
            double f = factor == 0 ? 1e-9 : factor; // ComfyUI's guard against a division by zero
            return ModelPatches.patched(in, o -> o.withPostCfgFunction(new CfgPostFunctions.EpsilonScaling(f), false));
        }
    }

    public static final class TCFG implements Node {
        @Override
        public NodeSchema schema() {
            return NodeSchema.v3("TCFG", "comfy_extras.nodes_tcfg")
                    .displayName("Tangential Damping CFG")
                    .category("advanced/guidance")
                    .description("TCFG \u2013 Tangential Damping CFG (2503.18137)\n\nRefine the uncond (negative) to align with the cond "
                            + "(positive) for improving quality.")
                    .input(Input.of("model", "MODEL"))
                    .output(Output.of("MODEL").named("patched_model"))
                    .build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            return ModelPatches.patched(in, o -> o.withPreCfgFunction(new TangentialDamping(), false));
        }
    }

    public static final class APG implements Node {
        @Override
        public NodeSchema schema() {
            return NodeSchema.v3("APG", "comfy_extras.nodes_apg")
                    .displayName("Adaptive Projected Guidance")
                    .category("sampling/custom_sampling")
                    .input(Input.of("model", "MODEL"))
                    .input(Input.of("eta", "FLOAT").tooltip("Controls the scale of the parallel guidance vector. Default CFG behavior at a setting of 1.")
                            .defaultValue(1.0).min(-10.0).max(10.0).step(0.01))
                    .input(Input.of("norm_threshold", "FLOAT")
                            .tooltip("Normalize guidance vector to this value, normalization disable at a setting of 0.")
                            .defaultValue(5.0).min(0.0).max(50.0).step(0.1))
                    .input(Input.of("momentum", "FLOAT")
                            .tooltip("Controls a running average of guidance during diffusion, disabled at a setting of 0.")
                            .defaultValue(0.0).min(-5.0).max(1.0).step(0.01))
                    .output(Output.of("MODEL"))
                    .build();
        }

        @Override
        public NodeResult execute(NodeInputs in, NodeContext context) {
            AdaptiveProjectedGuidance f = new AdaptiveProjectedGuidance(FiniteFloats.of(in, "eta"), FiniteFloats.of(in, "norm_threshold"),
                    FiniteFloats.of(in, "momentum"));
            return ModelPatches.patched(in, o -> o.withPreCfgFunction(f, false));
        }
    }
}
