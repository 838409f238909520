package dev.comfy4j.nodes.modelpatch;

import dev.comfy4j.model.options.DenoiseMaskFunction;
import dev.comfy4j.nodes.FiniteFloats;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * DifferentialDiffusion ({@code nodes_differential_diffusion.py}): a denoise mask function. At each step the
 * inpainting mask becomes {@code mask >= threshold}, the threshold falling from 1 to 0 with the step's timestep
 * between those of the run's first sigma and its last (or sigma_min when larger), so a pixel is regenerated
 * from the step its mask value reaches; a strength below 1 mixes the binary mask with the original one.
 */
public final class DifferentialDiffusion implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("DifferentialDiffusion", "comfy_extras.nodes_differential_diffusion")
                .displayName("Differential Diffusion")
                .category("_for_testing")
                .input(Input.of("model", "MODEL"))
                .input(Input.of("strength", "FLOAT").defaultValue(1.0).min(0.0).max(1.0).step(0.01).optional())
                .output(Output.of("MODEL"))
                .experimental()
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        double strength = in.has("strength") ? FiniteFloats.of(in, "strength") : 1.0;
        return ModelPatches.patched(in, o -> o.withDenoiseMaskFunction(new MaskFunction(strength)));
    }

    public record MaskFunction(double strength) implements DenoiseMaskFunction {
        @Override
        public Tensor apply(double sigma, Tensor denoiseMask, Context context) {
            float[] sigmas = context.sigmas();
            double sigmaTo = context.sampling().sigmaMin();
            if (sigmas[sigmas.length - 1] > sigmaTo) sigmaTo = sigmas[sigmas.length - 1];
            double from = context.sampling().timestep(sigmas[0]);
            double to = context.sampling().timestep(sigmaTo);
            double current = context.sampling().timestep(sigma);
            float threshold = (float) (current - to) / (float) (from - to); // torch's true division in float32
            try (TensorScope scope = TensorScope.open()) {
                Tensor binary = denoiseMask.ge(threshold).to(denoiseMask.dtype());
                if (strength != 0 && strength < 1) {
                    return scope.keep(binary.mul(strength).add(denoiseMask.mul(1 - strength)));
                }
                return scope.keep(binary);
            }
        }
    }
}
