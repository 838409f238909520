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
        private final Map<String, Double> scalars = new HashMap<>();
        private TensorScope stepScope;

        /** Keeps {@code t} beyond the current step under {@code key}, closing what was there. */
        public void put(String key, Tensor t) {
            Tensor kept = stepScope.keep(t);
            Tensor old = slots.put(key, kept);
            if (old != null && old != kept) old.close();
        }

        /** Moves the tensor under {@code from} (if any) to {@code to}, closing what {@code to} held. */
        public void move(String from, String to) {
            Tensor t = slots.remove(from);
            if (t == null) return;
            Tensor old = slots.put(to, t);
            if (old != null && old != t) old.close();
        }

        /** Closes and forgets the tensor under {@code key}, if any. */
        public void drop(String key) {
            Tensor old = slots.remove(key);
            if (old != null) old.close();
        }

        public Tensor get(String key) {
            return slots.get(key);
        }

        /** Keeps a number across steps (a previous step size, sigma_down, ...). */
        public void putScalar(String key, double value) {
            scalars.put(key, value);
        }

        /** The number kept under {@code key}; NaN when none. */
        public double scalar(String key) {
            return scalars.getOrDefault(key, Double.NaN);
        }

        /** Whether a number is kept under {@code key}. */
        public boolean hasScalar(String key) {
            return scalars.containsKey(key);
        }

        @Override
        public void close() {
            for (Tensor t : slots.values()) t.close();
            slots.clear();
        }
    }

    /** What a step sees: the schedule, the step index, the run's context and its carried tensors. */
    public record Step(Denoiser model, float[] sigmas, int index, SamplingContext context, Carry carry, NoiseSampler noiseSampler) {
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

        /** Runs the model and also returns its unconditional prediction (CFG++ samplers). */
        public Denoiser.Guided denoiseGuided(Tensor x, double sigma) {
            return model.denoiseGuided(x, sigma);
        }

        /** The run's noise sampler's noise for the move from {@code sigma} to {@code sigmaNext}. */
        public Tensor noise(double sigma, double sigmaNext) {
            return noiseSampler.sample(sigma, sigmaNext);
        }

        /** Reports this step's denoised prediction to the listener (progress and preview). */
        public void report(Tensor x, Tensor denoised) {
            context.stepCallback(index, total(), x, denoised);
        }
    }

    @Override
    public final Tensor sample(Denoiser model, Tensor x0, float[] sigmas, SamplingContext context) {
        Tensor x = x0;
        NoiseSampler noise = sigmas.length > 1 ? noiseSampler(x0, sigmas, context) : null;
        try (Carry carry = new Carry()) {
            for (int i = 0; i < sigmas.length - 1; i++) {
                context.checkInterrupt();
                Tensor next;
                try (TensorScope scope = TensorScope.open()) {
                    carry.stepScope = scope;
                    next = scope.keep(step(new Step(model, sigmas, i, context, carry, noise), x));
                }
                if (x != x0 && next != x) x.close();
                x = next;
            }
        } finally {
            if (noise instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return x == x0 ? x0.clone() : x;
    }

    /**
     * The run's noise sampler, made once before the first step: ComfyUI's {@code default_noise_sampler}
     * (the seeded step-noise generator) unless a sampler overrides it (the Brownian-tree SDE samplers).
     */
    protected NoiseSampler noiseSampler(Tensor x, float[] sigmas, SamplingContext context) {
        return NoiseSampler.of(context, x);
    }

    /** One step from {@code x} at {@code sigmas[i]} to the latent at {@code sigmas[i + 1]}. */
    protected abstract Tensor step(Step s, Tensor x);

    /** k-diffusion's {@code to_d}: the ODE derivative (x - D) / sigma. */
    protected static Tensor toD(Tensor x, double sigma, Tensor denoised) {
        return x.sub(denoised).div(sigma);
    }
}
