package dev.comfy4j.sampling.samplers;

import dev.comfy4j.imaging.Resample;
import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * SamplerLCMUpscale ({@code sample_lcm_upscale}): LCM steps that also enlarge the latent, by the ratios
 * linspace(1, scale_ratio, upscale_steps)[1:] after the first steps, with one of the latent upscale
 * methods; then the re-noising to the next sigma with fresh step noise of the new size.
 */
public final class LcmUpscale extends StepLoop {
    private static final String WIDTH = "width";
    private static final String HEIGHT = "height";

    private final double scaleRatio;
    private final Integer scaleSteps;
    private final String method;

    /** @param scaleSteps the node's {@code scale_steps}, or null for ComfyUI's default (about half the steps) */
    public LcmUpscale(double scaleRatio, Integer scaleSteps, String method) {
        this.scaleRatio = scaleRatio;
        this.scaleSteps = scaleSteps;
        this.method = method;
    }

    @Override
    public String name() {
        return "lcm_upscale";
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        if (!s.carry().hasScalar(WIDTH)) {
            s.carry().putScalar(WIDTH, x.size(-1));
            s.carry().putScalar(HEIGHT, x.size(-2));
        }
        Tensor denoised = s.denoise(x, s.sigma());
        s.report(x, denoised);
        Tensor out = denoised;
        double[] ratios = upscales(s.sigmas().length);
        if (s.index() < ratios.length) {
            double r = ratios[s.index()];
            out = Resample.commonUpscale(out, Math.round(Math.rint(s.carry().scalar(WIDTH) * r)),
                    Math.round(Math.rint(s.carry().scalar(HEIGHT) * r)), method, "disabled");
        }
        if (s.next() > 0) out = out.add(s.context().stepNoise(out).mul(s.next()));
        return out;
    }

    /** np.linspace(1.0, scale_ratio, upscale_steps)[1:] with ComfyUI's rule for the number of steps. */
    public double[] upscales(int sigmaCount) {
        int steps = scaleSteps == null ? Math.max(sigmaCount / 2 + 1, 2) : Math.min(scaleSteps + 1, sigmaCount + 1);
        double[] out = new double[Math.max(steps - 1, 0)];
        for (int i = 1; i < steps; i++) {
            // numpy: start + i * step, the last value exactly the stop
            out[i - 1] = i == steps - 1 ? scaleRatio : 1.0 + i * ((scaleRatio - 1.0) / (steps - 1));
        }
        return out;
    }
}
