package dev.comfy4j.nodes.modelpatch;

import dev.comfy4j.model.options.CfgFunction;
import dev.comfy4j.nodes.FiniteFloats;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/** RescaleCFG: a CFG function that rescales the guided v-prediction to the positive one's standard deviation. */
public final class RescaleCFG implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("RescaleCFG", "comfy_extras.nodes_model_advanced")
                .category("advanced/model")
                .input(Input.of("model", "MODEL").noOptions())
                .input(Input.floating("multiplier").defaultValue(0.7).min(0.0).max(1.0).step(0.01))
                .output(Output.of("MODEL"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Function f = new Function(FiniteFloats.of(in, "multiplier"));
        return ModelPatches.patched(in, o -> o.withCfgFunction(f, false));
    }

    /**
     * {@code rescale_cfg}: both sides converted to v-predictions ({@code v = (x/(s^2+1) - denoised) sqrt(s^2+1) / s}),
     * {@code v_cfg = v_u + cfg (v_c - v_u)}, rescaled by {@code std(v_c) / std(v_cfg)} (unbiased, per sample),
     * mixed with the unrescaled one by the multiplier, and returned as noise.
     */
    public record Function(double multiplier) implements CfgFunction {
        @Override
        public Tensor apply(Args a) {
            try (TensorScope scope = TensorScope.open()) {
                Tensor xOrig = a.input();
                Tensor s = ModelPatches.perSample(a.sigma(), a.cond());
                Tensor s2p1 = s.mul(s).add(1.0);
                Tensor x = xOrig.div(s2p1);
                Tensor root = s.pow(2).add(1.0).pow(0.5);
                Tensor cond = x.sub(xOrig.sub(a.cond())).mul(root).div(s);
                Tensor uncond = x.sub(xOrig.sub(a.uncond())).mul(root).div(s);
                Tensor xCfg = uncond.add(cond.sub(uncond).mul(a.condScale()));
                long[] dims = ModelPatches.nonBatchDims(cond);
                Tensor roPos = cond.std(dims, true, true);
                Tensor roCfg = xCfg.std(dims, true, true);
                Tensor rescaled = xCfg.mul(roPos.div(roCfg));
                Tensor xFinal = rescaled.mul(multiplier).add(xCfg.mul(1.0 - multiplier));
                return scope.keep(xOrig.sub(x.sub(xFinal.mul(s).div(s2p1.pow(0.5)))));
            }
        }
    }
}
