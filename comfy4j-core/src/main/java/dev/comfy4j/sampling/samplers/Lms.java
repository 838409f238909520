package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code lms}: linear multistep on the last {@code order} derivatives; the coefficients are the
 * integrals over [sigma_i, sigma_i+1] of the Lagrange basis polynomials through the previous sigmas.
 * k-diffusion integrates them with scipy's quad; they are polynomials of degree &lt; order, which
 * Gauss-Legendre quadrature with enough nodes integrates exactly. The last step returns D.
 */
public final class Lms extends StepLoop {
    private final int order;

    public Lms() {
        this(4);
    }

    public Lms(int order) {
        if (order < 1) throw new IllegalArgumentException("lms order must be at least 1");
        this.order = order;
    }

    @Override
    public String name() {
        return "lms";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        int i = s.index();
        Tensor denoised = s.denoise(x, s.sigma());
        Tensor d = toD(x, s.sigma(), denoised);
        s.report(x, denoised);
        if (s.next() == 0) return denoised;
        int curOrder = Math.min(i + 1, order);
        // d_i, d_i-1, ... : the newest first, as zip(coeffs, reversed(ds)) pairs them.
        Tensor sum = d.mul(LmsCoefficients.of(s.sigmas(), curOrder, i, 0));
        for (int j = 1; j < curOrder; j++) sum = sum.add(s.carry().get("d" + (i - j)).mul(LmsCoefficients.of(s.sigmas(), curOrder, i, j)));
        Tensor out = x.add(sum);
        s.carry().put("d" + i, d);
        s.carry().drop("d" + (i + 1 - order)); // the next step no longer needs it
        return out;
    }
}
