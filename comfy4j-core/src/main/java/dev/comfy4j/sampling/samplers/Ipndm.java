package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code ipndm}: improved pseudo-numerical methods (Zhang &amp; Chen 2023): Adams-Bashforth with fixed
 * coefficients on the last up to 4 derivatives, lower order while the history fills; the last step to
 * sigma 0 returns D.
 */
public final class Ipndm extends StepLoop {
    private static final int MAX_ORDER = 4;

    @Override
    public String name() {
        return "ipndm";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        int i = s.index();
        Tensor denoised = s.denoise(x, s.sigma());
        s.report(x, denoised);
        Tensor d = toD(x, s.sigma(), denoised);
        int order = Math.min(MAX_ORDER, i + 1);
        double dt = s.next() - s.sigma();
        Tensor out;
        if (s.next() == 0) {
            out = denoised;
        } else if (order == 1) {
            out = x.add(d.mul(dt));
        } else if (order == 2) {
            out = x.add(d.mul(3).sub(prev(s, 1)).div(2).mul(dt));
        } else if (order == 3) {
            out = x.add(d.mul(23).sub(prev(s, 1).mul(16)).add(prev(s, 2).mul(5)).div(12).mul(dt));
        } else {
            out = x.add(d.mul(55).sub(prev(s, 1).mul(59)).add(prev(s, 2).mul(37)).sub(prev(s, 3).mul(9)).div(24).mul(dt));
        }
        if (s.next() != 0) {
            s.carry().put("d" + i, d);
            s.carry().drop("d" + (i + 1 - MAX_ORDER));
        }
        return out;
    }

    /** The derivative of {@code back} steps ago. */
    private static Tensor prev(Step s, int back) {
        return s.carry().get("d" + (s.index() - back));
    }
}
