package dev.comfy4j.nodes.modelpatch;

import dev.comfy4j.model.options.PreCfgFunction;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.List;

/**
 * TCFG's pre-CFG function ({@code score_tangential_damping}): per sample, the negative's noise
 * {@code u = x - uncond} is replaced by its projection onto the first right singular vector v1 of the 2 x N
 * matrix {@code [u; c]} ({@code c = x - cond}): {@code (u . v1) v1}. Skipped when the negative was not evaluated.
 *
 * <p>v1 comes from the 2 x 2 Gram matrix {@code G = [[u.u, u.c], [u.c, c.c]]} instead of an SVD: with e the unit
 * eigenvector of G's larger eigenvalue lambda, {@code v1 = (e0 u + e1 c) / sqrt(lambda)}, so the projection is
 * {@code (e0 u.u + e1 u.c) / lambda * (e0 u + e1 c)}. The same vector as torch's SVD (up to a sign that cancels),
 * in double precision from float32 dot products.
 */
public record TangentialDamping() implements PreCfgFunction {
    @Override
    public List<Tensor> apply(Args a) {
        if (a.uncondSkipped()) return a.condsOut();
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = a.input();
            Tensor cond = a.condsOut().get(0);
            Tensor uncond = a.condsOut().get(1);
            Tensor damped = damp(x.sub(cond), x.sub(uncond));
            return List.of(scope.keep(cond), scope.keep(x.sub(damped)));
        }
    }

    /** {@code score_tangential_damping(cond_score, uncond_score)}. */
    static Tensor damp(Tensor condScore, Tensor uncondScore) {
        try (TensorScope scope = TensorScope.open()) {
            long b = condScore.size(0);
            Tensor c = condScore.reshape(b, -1).to(DType.F32);
            Tensor u = uncondScore.reshape(b, -1).to(DType.F32);
            float[] uu = u.mul(u).sum(new long[]{1}, false).toFloatArray();
            float[] uc = u.mul(c).sum(new long[]{1}, false).toFloatArray();
            float[] cc = c.mul(c).sum(new long[]{1}, false).toFloatArray();
            float[] wu = new float[(int) b];
            float[] wc = new float[(int) b];
            for (int i = 0; i < b; i++) {
                double[] w = projectionWeights(uu[i], uc[i], cc[i]);
                wu[i] = (float) w[0];
                wc[i] = (float) w[1];
            }
            Tensor out = u.mul(Tensor.fromFloats(wu, b, 1)).add(c.mul(Tensor.fromFloats(wc, b, 1)));
            return scope.keep(out.reshape(uncondScore.shape()).to(uncondScore.dtype()));
        }
    }

    /** The weights (on u, on c) of {@code (u . v1) v1} from the Gram entries. */
    static double[] projectionWeights(double uu, double uc, double cc) {
        double mean = (uu + cc) / 2;
        double lambda = mean + Math.sqrt((uu - cc) * (uu - cc) / 4 + uc * uc);
        if (!(lambda > 0)) return new double[]{0, 0};
        // two equivalent eigenvector forms; the longer one is the better conditioned
        double ax = uc;
        double ay = lambda - uu;
        double bx = lambda - cc;
        double by = uc;
        double[] e = ax * ax + ay * ay >= bx * bx + by * by ? new double[]{ax, ay} : new double[]{bx, by};
        double norm = Math.hypot(e[0], e[1]);
        if (norm == 0) e = uu >= cc ? new double[]{1, 0} : new double[]{0, 1};
        else e = new double[]{e[0] / norm, e[1] / norm};
        double coefficient = (e[0] * uu + e[1] * uc) / lambda;
        return new double[]{coefficient * e[0], coefficient * e[1]};
    }
}
