package dev.comfy4j.nodes.modelpatch;

import dev.comfy4j.model.options.PreCfgFunction;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.List;

/**
 * APG's pre-CFG function: the guidance {@code cond - uncond}, optionally a running average with momentum
 * (reset when the sigma rises), clipped to an L2 norm of {@code normThreshold} per sample, split into its parts
 * parallel and orthogonal to the (unit) positive prediction; the parallel part weighted by eta; the positive
 * prediction becomes {@code uncond + guidance' + (cond - uncond) / cfg} so that the CFG mix yields
 * {@code cond + (cfg - 1) guidance'}.
 */
public record AdaptiveProjectedGuidance(double eta, double normThreshold, double momentum) implements PreCfgFunction {
    /** The running average between steps of one run. */
    private static final class State implements AutoCloseable {
        Tensor runningAverage;
        Double previousSigma;

        @Override
        public void close() {
            reset(this);
        }
    }

    @Override
    public List<Tensor> apply(Args a) {
        State state = a.run().get(this, State::new);
        try (TensorScope scope = TensorScope.open()) {
            Tensor cond = a.condsOut().get(0);
            Tensor uncond = a.condsOut().get(1);
            double sigma = a.sigma().select(0, 0).item();
            if (state.previousSigma != null && sigma > state.previousSigma) reset(state);
            state.previousSigma = sigma;

            Tensor guidance = cond.sub(uncond);
            if (momentum != 0) {
                Tensor avg = state.runningAverage == null ? guidance : state.runningAverage.mul(momentum).add(guidance);
                if (state.runningAverage != null) state.runningAverage.close();
                state.runningAverage = avg.clone().escapeScope();
                guidance = avg;
            }
            long[] dims = lastThree(guidance);
            if (normThreshold > 0) {
                Tensor norm = guidance.pow(2).sum(dims, true).sqrt();
                Tensor scale = Tensor.full(1.0, norm.dtype(), norm.shape()).minimum(Tensor.full(normThreshold, norm.dtype(), norm.shape()).div(norm));
                guidance = guidance.mul(scale);
            }
            Tensor unit = cond.div(cond.pow(2).sum(dims, true).sqrt().clampMin(1e-12));
            Tensor parallel = guidance.mul(unit).sum(dims, true).mul(unit);
            Tensor orthogonal = guidance.sub(parallel);
            Tensor modified = orthogonal.add(parallel.mul(eta));
            Tensor modifiedCond = uncond.add(modified).add(cond.sub(uncond).div(a.condScale()));
            return List.of(scope.keep(modifiedCond), scope.keep(uncond.clone()));
        }
    }

    private static void reset(State state) {
        if (state.runningAverage != null) state.runningAverage.close();
        state.runningAverage = null;
    }

    private static long[] lastThree(Tensor t) {
        int d = t.dim();
        return new long[]{d - 1, d - 2, d - 3};
    }
}
