package dev.comfy4j.sampling.schedulers;

import dev.comfy4j.sampling.ModelSampling;
import dev.comfy4j.sampling.Scheduler;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ddim_uniform}: every (1000 // steps)-th table sigma from index 1 upwards, reversed, ending
 * with 0. As in ComfyUI the first sigma is not sigma_max and the count can exceed steps + 1.
 */
public final class DdimUniformScheduler implements Scheduler {
    @Override
    public String name() {
        return "ddim_uniform";
    }

    @Override
    public float[] sigmas(ModelSampling model, int steps) {
        float[] table = model.sigmas();
        List<Float> picked = new ArrayList<>();
        int n = steps;
        if (Math.abs(table[1]) <= 1e-5) n++;
        else picked.add(0f);
        int stride = Math.max(table.length / n, 1);
        for (int x = 1; x < table.length; x += stride) picked.add(table[x]);
        float[] out = new float[picked.size()];
        for (int i = 0; i < out.length; i++) out[i] = picked.get(out.length - 1 - i);
        return out;
    }
}
