package dev.comfy4j.sampling.samplers;

import dev.comfy4j.tensor.Tensor;

/**
 * {@code dpmpp_2m_sde} (midpoint) and {@code dpmpp_2m_sde_heun}, with their {@code _gpu} twins:
 * DPM-Solver++(2M) SDE with Brownian-tree noise. With lambda = -log sigma, h = lambda_next - lambda,
 * H = h (eta + 1): x = (sigma_next / sigma) e^(-h eta) x + (1 - e^-H) D, plus the multistep correction
 * from the previous D (midpoint: 1/2 (1 - e^-H) / r; heun: ((1 - e^-H) / -H + 1) / r, r = h_prev / h),
 * plus sigma_next sqrt(1 - e^(-2 h eta)) s_noise times the tree's noise. The last step returns D.
 */
public final class Dpmpp2mSde extends BrownianSdeLoop {
    private final boolean heun;
    private final double eta;
    private final double sNoise;

    public Dpmpp2mSde(String name, boolean heun, double eta, double sNoise) {
        super(name);
        this.heun = heun;
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
        double oneMinus = -Math.expm1(-hEta);
        Tensor out = x.mul(s.next() / s.sigma() * Math.exp(-h * eta)).add(denoised.mul(oneMinus));
        Tensor old = s.carry().get("denoised");
        if (old != null) {
            double r = s.carry().scalar("h") / h;
            double c = heun ? (oneMinus / -hEta + 1) / r : 0.5 * oneMinus / r;
            out = out.add(denoised.sub(old).mul(c));
        }
        if (eta > 0 && sNoise > 0) {
            out = out.add(s.noise(s.sigma(), s.next()).mul(s.next() * Math.sqrt(-Math.expm1(-2 * h * eta)) * sNoise));
        }
        s.carry().put("denoised", denoised);
        s.carry().putScalar("h", h);
        return out;
    }
}
