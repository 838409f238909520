package dev.comfy4j.sampling.schedulers;

import dev.comfy4j.sampling.ModelSampling;
import dev.comfy4j.sampling.Scheduler;

/** {@code simple}: every (table length / steps)-th sigma of the table from the top, then 0. */
public final class SimpleScheduler implements Scheduler {
    @Override
    public String name() {
        return "simple";
    }

    @Override
    public float[] sigmas(ModelSampling model, int steps) {
        float[] table = model.sigmas();
        double stride = (double) table.length / steps;
        float[] out = new float[steps + 1];
        for (int i = 0; i < steps; i++) out[i] = table[table.length - 1 - (int) (i * stride)];
        return out;
    }
}
