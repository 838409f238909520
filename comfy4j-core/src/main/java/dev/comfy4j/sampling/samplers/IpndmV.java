package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code ipndm_v}: the variable-step iPNDM (Zhang &amp; Chen 2023): Adams-Bashforth on the last up to 4
 * derivatives with coefficients from the ratios of the step sizes h_n = sigma_next - sigma,
 * h_n-1, h_n-2, h_n-3 (diff-sampler's solvers.py); lower order while the history fills; the last step
 * to sigma 0 returns D.
 */
public final class IpndmV extends StepLoop {
    private static final int MAX_ORDER = 4;

    @Override
    public String name() {
        return "ipndm_v";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        int i = s.index();
        float[] t = s.sigmas();
        Tensor denoised = s.denoise(x, s.sigma());
        s.report(x, denoised);
        Tensor d = toD(x, s.sigma(), denoised);
        int order = Math.min(MAX_ORDER, i + 1);
        double hn = s.next() - s.sigma();
        Tensor out;
        if (s.next() == 0) {
            out = denoised;
        } else if (order == 1) {
            out = x.add(d.mul(hn));
        } else {
            double[] c = coefficients(t, i, order);
            Tensor sum = d.mul(c[0]);
            for (int k = 1; k < order; k++) sum = sum.add(prev(s, k).mul(c[k]));
            out = x.add(sum.mul(hn));
        }
        s.carry().put("d" + i, d);
        s.carry().drop("d" + (i + 1 - MAX_ORDER));
        return out;
    }

    /** The coefficients of d_i, d_i-1, ... for the given order (2 to 4). */
    static double[] coefficients(float[] t, int i, int order) {
        double hn = (double) t[i + 1] - t[i];
        double hn1 = (double) t[i] - t[i - 1];
        if (order == 2) return new double[]{(2 + hn / hn1) / 2, -(hn / hn1) / 2};
        double hn2 = (double) t[i - 1] - t[i - 2];
        double temp1 = (1 - hn / (3 * (hn + hn1)) * (hn * (hn + hn1)) / (hn1 * (hn1 + hn2))) / 2;
        if (order == 3) {
            return new double[]{(2 + hn / hn1) / 2 + temp1, -(hn / hn1) / 2 - (1 + hn1 / hn2) * temp1, temp1 * hn1 / hn2};
        }
        double hn3 = (double) t[i - 2] - t[i - 3];
        double temp2 = ((1 - hn / (3 * (hn + hn1))) / 2 + (1 - hn / (2 * (hn + hn1))) * hn / (6 * (hn + hn1 + hn2)))
                * (hn * (hn + hn1) * (hn + hn1 + hn2)) / (hn1 * (hn1 + hn2) * (hn1 + hn2 + hn3));
        double q = hn1 * (hn1 + hn2) / (hn2 * (hn2 + hn3));
        return new double[]{
            (2 + hn / hn1) / 2 + temp1 + temp2,
            -(hn / hn1) / 2 - (1 + hn1 / hn2) * temp1 - (1 + hn1 / hn2 + q) * temp2,
            temp1 * hn1 / hn2 + (hn1 / hn2 + q * (1 + hn2 / hn3)) * temp2,
            -temp2 * q * hn1 / hn2};
    }

    private static Tensor prev(Step s, int back) {
        return s.carry().get("d" + (s.index() - back));
    }
}
