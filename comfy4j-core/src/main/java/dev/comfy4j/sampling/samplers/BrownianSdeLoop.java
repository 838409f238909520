package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.BrownianTreeNoise;
import dev.comfy4j.sampling.NoiseSampler;
import dev.comfy4j.sampling.SamplingContext;
import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * The DPM-Solver++ SDE samplers' common part: registered under a name (the {@code _gpu} twins share
 * the class) and drawing their step noise from a Brownian tree seeded with the sampling seed, as
 * ComfyUI's {@code BrownianTreeNoiseSampler} does.
 */
abstract class BrownianSdeLoop extends StepLoop {
    private final String name;

    BrownianSdeLoop(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    protected final NoiseSampler noiseSampler(Tensor x, float[] sigmas, SamplingContext context) {
        return BrownianTreeNoise.forSigmas(x, sigmas, context.seed());
    }
}
