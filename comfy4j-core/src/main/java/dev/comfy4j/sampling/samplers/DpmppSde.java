package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.AncestralStep;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code dpmpp_sde} and {@code dpmpp_sde_gpu}: DPM-Solver++ (stochastic) with Brownian-tree noise, in
 * half-log-SNR lambda = -log sigma (eps/v models, alpha = 1). Each step goes ancestrally to the
 * intermediate lambda + r h, evaluates the model there, then ancestrally to the next sigma with
 * D_d = (1 - 1/(2r)) D + 1/(2r) D_2. The last step returns D. The {@code _gpu} variant differs in
 * ComfyUI only by where the Brownian tree draws (CUDA vs CPU); here both draw on the CPU.
 */
public final class DpmppSde extends BrownianSdeLoop {
    private final double eta;
    private final double sNoise;
    private final double r;

    public DpmppSde(String name, double eta, double sNoise, double r) {
        super(name);
        this.eta = eta;
        this.sNoise = sNoise;
        this.r = r;
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        Tensor denoised = s.denoise(x, s.sigma());
        s.report(x, denoised);
        if (s.next() == 0) return denoised;
        double lambdaS = -Math.log(s.sigma());
        double lambdaT = -Math.log(s.next());
        double h = lambdaT - lambdaS;
        double lambdaS1 = lambdaS + r * h;
        double fac = 1 / (2 * r);
        double sigmaS1 = Math.exp(-lambdaS1);
        boolean noisy = eta > 0 && sNoise > 0;

        AncestralStep a1 = AncestralStep.of(s.sigma(), sigmaS1, eta);
        double h1 = -Math.log(a1.down()) - lambdaS;
        Tensor x2 = x.mul(Math.exp(-h1)).sub(denoised.mul(Math.expm1(-h1)));
        if (noisy) x2 = x2.add(s.noise(s.sigma(), sigmaS1).mul(sNoise * a1.up()));
        Tensor denoised2 = s.denoise(x2, sigmaS1);

        AncestralStep a2 = AncestralStep.of(s.sigma(), s.next(), eta);
        double h2 = -Math.log(a2.down()) - lambdaS;
        Tensor mixed = denoised.mul(1 - fac).add(denoised2.mul(fac));
        Tensor out = x.mul(Math.exp(-h2)).sub(mixed.mul(Math.expm1(-h2)));
        if (noisy) out = out.add(s.noise(s.sigma(), s.next()).mul(sNoise * a2.up()));
        return out;
    }
}
