package dev.comfy4j.sampling.samplers;

import dev.comfy4j.sampling.AncestralStep;
import dev.comfy4j.sampling.StepLoop;
import dev.comfy4j.tensor.Tensor;

/**
 * {@code ddim}: ComfyUI runs Euler for it; the only difference is that inpainting re-noises the kept
 * area with noise from seed + 1.
 */
public final class Ddim extends StepLoop {
    private final Euler euler = new Euler();

    @Override
    public String name() {
        return "ddim";
    }

    @Override
    public boolean randomInpaintNoise() {
        return true;
    }

    @Override
    protected Tensor step(Step s, Tensor x) {
        return euler.step(s, x);
    }
}
