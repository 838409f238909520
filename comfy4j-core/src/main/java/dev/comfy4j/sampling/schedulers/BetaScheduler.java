package dev.comfy4j.sampling.schedulers;

import dev.comfy4j.sampling.ModelSampling;
import dev.comfy4j.sampling.Scheduler;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code beta}: timesteps at the quantiles of a Beta(alpha, beta) distribution (Lee et al. 2024),
 * rounded to the table, repeated timesteps dropped, then 0. ComfyUI's defaults are alpha = beta = 0.6.
 */
public final class BetaScheduler implements Scheduler {
    private final double alpha;
    private final double beta;

    public BetaScheduler() {
        this(0.6, 0.6);
    }

    public BetaScheduler(double alpha, double beta) {
        this.alpha = alpha;
        this.beta = beta;
    }

    @Override
    public String name() {
        return "beta";
    }

    @Override
    public float[] sigmas(ModelSampling model, int steps) {
        float[] table = model.sigmas();
        int total = table.length - 1;
        List<Float> out = new ArrayList<>();
        double last = -1;
        for (int i = 0; i < steps; i++) {
            double q = 1.0 - (double) i / steps; // 1 - numpy.linspace(0, 1, steps, endpoint=False)
            double t = Math.rint(BetaDistribution.quantile(q, alpha, beta) * total);
            if (t != last) out.add(table[(int) t]);
            last = t;
        }
        float[] sigmas = new float[out.size() + 1];
        for (int i = 0; i < out.size(); i++) sigmas[i] = out.get(i);
        return sigmas;
    }
}
