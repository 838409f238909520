package dev.comfy4j.sampling.samplers;

import dev.comfy4j.tensor.Tensor;

/**
 * {@code dpmpp_3m_sde} and {@code dpmpp_3m_sde_gpu}: DPM-Solver++(3M) SDE with Brownian-tree noise:
 * the dpmpp_2m_sde base step, then a third-order correction from the two previous predictions
 * (second-order with one), phi2 = (e^-H - 1) / H + 1, phi3 = phi2 / H - 1/2. The last step returns D.
 */
public final class Dpmpp3mSde extends BrownianSdeLoop {
    private final double eta;
    private final double sNoise;

    public Dpmpp3mSde(String name, double eta, double sNoise) {
        super(name);
        this.eta = eta;
        this.sNoise = sNoise;
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        Tensor denoised = s.denoise(x, s.sigma());
        s.report(x, denoised);
        if (s.next() == 0) return denoised;
        double h = Math.log(s.sigma()) - Math.log(s.next());
        double hEta = h * (eta + 1);
        Tensor out = x.mul(s.next() / s.sigma() * Math.exp(-h * eta)).add(denoised.mul(-Math.expm1(-hEta)));
        Tensor d1Prev = s.carry().get("denoised_1");
        Tensor d2Prev = s.carry().get("denoised_2");
        double phi2 = Math.expm1(-hEta) / hEta + 1;
        if (d2Prev != null) {
            double r0 = s.carry().scalar("h_1") / h;
            double r1 = s.carry().scalar("h_2") / h;
            Tensor d10 = denoised.sub(d1Prev).div(r0);
            Tensor d11 = d1Prev.sub(d2Prev).div(r1);
            Tensor d1 = d10.add(d10.sub(d11).mul(r0 / (r0 + r1)));
            Tensor d2 = d10.sub(d11).div(r0 + r1);
            double phi3 = phi2 / hEta - 0.5;
            out = out.add(d1.mul(phi2)).sub(d2.mul(phi3));
        } else if (d1Prev != null) {
            double r = s.carry().scalar("h_1") / h;
            out = out.add(denoised.sub(d1Prev).div(r).mul(phi2));
        }
        if (eta > 0 && sNoise > 0) {
            out = out.add(s.noise(s.sigma(), s.next()).mul(s.next() * Math.sqrt(-Math.expm1(-2 * h * eta)) * sNoise));
        }
        s.carry().move("denoised_1", "denoised_2");
        s.carry().put("denoised_1", denoised);
        if (s.carry().hasScalar("h_1")) s.carry().putScalar("h_2", s.carry().scalar("h_1"));
        s.carry().putScalar("h_1", h);
        return out;
    }
}
