package dev.comfy4j.nodes.modelpatch;

import dev.comfy4j.model.options.PostCfgFunction;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/** The post-CFG functions of CFGZeroStar, CFGNorm and Epsilon Scaling ({@code nodes_cfg.py}, {@code nodes_eps.py}). */
public final class CfgPostFunctions {
    private CfgPostFunctions() {}

    /**
     * CFG-Zero*: {@code alpha = <x - cond, x - uncond> / (|x - uncond|^2 + 1e-8)} per sample (ComfyUI's
     * {@code optimized_scale}), then {@code denoised + uncond (alpha - 1) + cfg uncond (1 - alpha)}.
     */
    public record ZeroStar() implements PostCfgFunction {
        @Override
        public Tensor apply(Args a) {
            try (TensorScope scope = TensorScope.open()) {
                Tensor x = a.input();
                Tensor alpha = optimizedScale(x.sub(a.condDenoised()), x.sub(a.uncondDenoised()));
                Tensor u = a.uncondDenoised();
                Tensor out = a.denoised().add(u.mul(alpha.sub(1.0))).add(u.mul(a.condScale()).mul(alpha.rsub(1.0)));
                return scope.keep(out);
            }
        }

        static Tensor optimizedScale(Tensor positive, Tensor negative) {
            long b = positive.size(0);
            Tensor p = positive.reshape(b, -1);
            Tensor n = negative.reshape(b, -1);
            Tensor dot = p.mul(n).sum(new long[]{1}, true);
            Tensor squaredNorm = n.pow(2).sum(new long[]{1}, true).add(1e-8);
            long[] shape = new long[positive.dim()];
            java.util.Arrays.fill(shape, 1);
            shape[0] = b;
            return dot.div(squaredNorm).reshape(shape);
        }
    }

    /**
     * CFGNorm: the guided prediction scaled per pixel by {@code clamp(|cond|_c / (|denoised|_c + 1e-8), 0, 1)}
     * (L2 norms over the channels) times the strength.
     */
    public record Norm(double strength) implements PostCfgFunction {
        @Override
        public Tensor apply(Args a) {
            try (TensorScope scope = TensorScope.open()) {
                Tensor normCond = a.condDenoised().pow(2).sum(new long[]{1}, true).sqrt();
                Tensor normPred = a.denoised().pow(2).sum(new long[]{1}, true).sqrt();
                Tensor scale = normCond.div(normPred.add(1e-8)).clamp(0.0, 1.0);
                return scope.keep(a.denoised().mul(scale).mul(strength));
            }
        }
    }

    /** Epsilon Scaling: the guided noise {@code x - denoised} divided by the factor. */
    public record EpsilonScaling(double scalingFactor) implements PostCfgFunction {
        @Override
        public Tensor apply(Args a) {
            try (TensorScope scope = TensorScope.open()) {
                Tensor x = a.input();
                return scope.keep(x.sub(x.sub(a.denoised()).div(scalingFactor)));
            }
        }
    }
}
