package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code heunpp2}: Heun++ with three slopes (at sigma_i, sigma_i+1 and sigma_i+2) weighted by
 * sigma / (3 sigma_0); Heun with weights sigma / (2 sigma_0) when sigma_i+2 is the last sigma, and Euler
 * for the step onto the last sigma.
 */
public final class HeunPP2 extends StepLoop {
    @Override
    public String name() {
        return "heunpp2";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        float[] sigmas = s.sigmas();
        int i = s.index();
        double end = sigmas[sigmas.length - 1];
        Tensor denoised = s.denoise(x, s.sigma());
        Tensor d = toD(x, s.sigma(), denoised);
        s.report(x, denoised);
        double dt = s.next() - s.sigma();
        if (s.next() == end) return x.add(d.mul(dt));
        Tensor x2 = x.add(d.mul(dt));
        Tensor d2 = toD(x2, s.next(), s.denoise(x2, s.next()));
        if (sigmas[i + 2] == end) {
            double w2 = s.next() / (2 * sigmas[0]);
            return x.add(d.mul(1 - w2).add(d2.mul(w2)).mul(dt));
        }
        double third = sigmas[i + 2];
        Tensor x3 = x2.add(d2.mul(third - s.next()));
        Tensor d3 = toD(x3, third, s.denoise(x3, third));
        double w2 = s.next() / (3 * sigmas[0]);
        double w3 = third / (3 * sigmas[0]);
        return x.add(d.mul(1 - w2 - w3).add(d2.mul(w2)).add(d3.mul(w3)).mul(dt));
    }
}
