package dev.comfy4j.sampling;

import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.HashMap;
import java.util.Map;

/**
 * The loop shared by the step-wise samplers: one {@link TensorScope} per step so memory stays flat,
 * an interrupt check before each step, and {@link Carry} for the few tensors a multistep method keeps
 * from one step to the next (previous denoised predictions, derivatives).
 */
public abstract class StepLoop implements Sampler {
    /**
     * Tensors kept across steps of one run, closed when replaced or when the run ends. A step must not
     * return a carried tensor as its result (return a fresh one).
     */
    public static final class Carry implements AutoCloseable {
        private final Map<String, Tensor> slots = new HashMap<>();
        private TensorScope stepScope;

        /** Keeps {@code t} beyond the current step under {@code key}, closing what was there. */
        public void put(String key, Tensor t) {
            Tensor kept = stepScope.keep(t);
            Tensor old = slots.put(key, kept);
            if (old != null && old != kept) old.close();
        }

        /** Closes and forgets the tensor under {@code key}, if any. */
        public void drop(String key) {
            Tensor old = slots.remove(key);
            if (old != null) old.close();
        }

        public Tensor get(String key) {
            return slots.get(key);
        }

        @Override
        public void close() {
            for (Tensor t : slots.values()) t.close();
            slots.clear();
        }
    }

    /** What a step sees: the schedule, the step index, the run's context and its carried tensors. */
    public record Step(Denoiser model, float[] sigmas, int index, SamplingContext context, Carry carry) {
        public double sigma() {
            return sigmas[index];
        }

        public double next() {
            return sigmas[index + 1];
        }

        public int total() {
            return sigmas.length - 1;
        }

        /** Runs the model. */
        public Tensor denoise(Tensor x, double sigma) {
            return model.denoise(x, sigma);
        }

        /** Reports this step's denoised prediction to the listener (progress and preview). */
        public void report(Tensor x, Tensor denoised) {
            context.stepCallback(index, total(), x, denoised);
        }
    }

    @Override
    public final Tensor sample(Denoiser model, Tensor x0, float[] sigmas, SamplingContext context) {
        Tensor x = x0;
        try (Carry carry = new Carry()) {
            for (int i = 0; i < sigmas.length - 1; i++) {
                context.checkInterrupt();
                Tensor next;
                try (TensorScope scope = TensorScope.open()) {
                    carry.stepScope = scope;
                    next = scope.keep(step(new Step(model, sigmas, i, context, carry), x));
                }
                if (x != x0 && next != x) x.close();
                x = next;
            }
        }
        return x == x0 ? x0.clone() : x;
    }

    /** One step from {@code x} at {@code sigmas[i]} to the latent at {@code sigmas[i + 1]}. */
    protected abstract Tensor step(Step s, Tensor x);

    /** k-diffusion's {@code to_d}: the ODE derivative (x - D) / sigma. */
    protected static Tensor toD(Tensor x, double sigma, Tensor denoised) {
        return x.sub(denoised).div(sigma);
    }
}
