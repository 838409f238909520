package dev.comfy4j.model.unet;

import dev.comfy4j.model.Prediction;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.Arrays;

/**
 * ComfyUI's {@code ModelSamplingDiscrete} with the {@code EPS} or {@code V_PREDICTION}
 * parameterisation: the 1000 discrete noise levels of the "linear" (scaled-linear) beta schedule,
 * the sigma &lt;-&gt; timestep maps, and the scalings around the model call.
 *
 * <p>The tables are computed in double precision and stored as float32, as ComfyUI registers its
 * buffers. Methods taking tensors follow ComfyUI's float32 op order so results match bit for bit where
 * libtorch's kernels allow. Immutable and thread-safe.
 */
public final class ModelSamplingDiscrete {
    public static final int TIMESTEPS = 1000;
    public static final double LINEAR_START = 0.00085;
    public static final double LINEAR_END = 0.012;
    /** ComfyUI's {@code sigma_data}: 1 for the discrete models, which is why it vanishes below. */
    private static final double SIGMA_DATA = 1.0;

    private final Prediction prediction;
    private final float[] sigmas;
    private final float[] logSigmas;

    private ModelSamplingDiscrete(Prediction prediction, double linearStart, double linearEnd) {
        this.prediction = prediction;
        double[] betas = scaledLinearBetas(linearStart, linearEnd, TIMESTEPS);
        sigmas = new float[TIMESTEPS];
        logSigmas = new float[TIMESTEPS];
        double alphasCumprod = 1.0;
        for (int i = 0; i < TIMESTEPS; i++) {
            alphasCumprod *= 1.0 - betas[i];
            double sigma = Math.sqrt((1.0 - alphasCumprod) / alphasCumprod);
            sigmas[i] = (float) sigma;
            logSigmas[i] = (float) Math.log(sigma);
        }
    }

    /** SD1.x / SD2.x: linear_start 0.00085, linear_end 0.012 over 1000 steps. */
    public static ModelSamplingDiscrete of(Prediction prediction) {
        return new ModelSamplingDiscrete(prediction, LINEAR_START, LINEAR_END);
    }

    public static ModelSamplingDiscrete of(Prediction prediction, double linearStart, double linearEnd) {
        return new ModelSamplingDiscrete(prediction, linearStart, linearEnd);
    }

    /**
     * {@code make_beta_schedule("linear")}: {@code torch.linspace(sqrt(start), sqrt(end), n, float64) ** 2},
     * with torch's linspace (from the start for the first half, from the end for the second).
     */
    static double[] scaledLinearBetas(double start, double end, int n) {
        double a = Math.sqrt(start);
        double b = Math.sqrt(end);
        double step = (b - a) / (n - 1);
        double[] betas = new double[n];
        int half = n / 2;
        for (int i = 0; i < n; i++) {
            double v = i < half ? a + step * i : b - step * (n - 1 - i);
            betas[i] = v * v;
        }
        return betas;
    }

    public Prediction prediction() {
        return prediction;
    }

    /** The 1000 sigmas, ascending (ComfyUI's {@code sigmas} buffer). */
    public float[] sigmas() {
        return sigmas.clone();
    }

    /** Their logarithms (the {@code log_sigmas} buffer). */
    public float[] logSigmas() {
        return logSigmas.clone();
    }

    public double sigmaMin() {
        return sigmas[0];
    }

    public double sigmaMax() {
        return sigmas[TIMESTEPS - 1];
    }

    /**
     * ComfyUI's {@code timestep(sigma)}: for each sigma the index of the nearest log sigma, an integer
     * (ties to the lower index), as an int64 tensor of sigma's shape.
     */
    public Tensor timestep(Tensor sigma) {
        long[] shape = sigma.shape();
        float[] logSigma;
        try (TensorScope ignored = TensorScope.open()) {
            logSigma = sigma.to(DType.F32).log().toFloatArray(); // libtorch's float32 log, as in ComfyUI
        }
        long[] out = new long[logSigma.length];
        for (int j = 0; j < logSigma.length; j++) out[j] = nearestIndex(logSigma[j]);
        return Tensor.fromLongs(out, shape).to(sigma.device());
    }

    /** {@link #timestep(Tensor)} for one sigma given as a double (taken as float32 first, as a tensor would be). */
    public int timestep(double sigma) {
        try (TensorScope ignored = TensorScope.open()) {
            return (int) timestep(Tensor.fromFloats(new float[]{(float) sigma}, 1)).toLongArray()[0];
        }
    }

    private int nearestIndex(float logSigma) {
        int best = 0;
        float bestDistance = Float.POSITIVE_INFINITY;
        for (int i = 0; i < TIMESTEPS; i++) {
            float d = Math.abs(logSigma - logSigmas[i]); // float32 arithmetic, like the torch expression
            if (d < bestDistance || Float.isNaN(d) && !Float.isNaN(bestDistance)) {
                bestDistance = d;
                best = i;
                if (Float.isNaN(d)) break; // torch's argmin returns the first NaN
            }
        }
        return best;
    }

    /**
     * ComfyUI's {@code sigma(timestep)}: log-linear interpolation between the two nearest table entries,
     * timesteps clamped to [0, 999]. Returns float32 of the timestep tensor's shape.
     */
    public Tensor sigma(Tensor timestep) {
        long[] shape = timestep.shape();
        float[] t = timestep.toFloatArray();
        float[] logSigma = new float[t.length];
        for (int j = 0; j < t.length; j++) {
            float v = Math.min(Math.max(t[j], 0f), TIMESTEPS - 1);
            int low = (int) Math.floor(v);
            int high = (int) Math.ceil(v);
            float w = v - (float) Math.floor(v);
            logSigma[j] = (1f - w) * logSigmas[low] + w * logSigmas[high];
        }
        try (TensorScope scope = TensorScope.open()) {
            return scope.keep(Tensor.fromFloats(logSigma, shape).exp().to(timestep.device()));
        }
    }

    /** {@code sigma} for one timestep (float32, as a torch tensor of the value would hold it). */
    public double sigma(double timestep) {
        try (TensorScope ignored = TensorScope.open()) {
            return sigma(Tensor.fromFloats(new float[]{(float) timestep}, 1)).item();
        }
    }

    /** ComfyUI's {@code percent_to_sigma}: 0 -> a huge sigma, 1 -> 0, else the sigma at (1 - p) * 999. */
    public double percentToSigma(double percent) {
        if (percent <= 0.0) return 999999999.9;
        if (percent >= 1.0) return 0.0;
        return sigma((1.0 - percent) * 999.0);
    }

    /**
     * Whether sampling from {@code sigma} starts from pure noise (ComfyUI's {@code max_denoise}): sigma
     * equals sigma_max within a relative 1e-5, or exceeds it.
     */
    public boolean isMaxDenoise(double sigma) {
        double max = sigmaMax();
        return Math.abs(max - sigma) <= 1e-5 * Math.max(Math.abs(max), Math.abs(sigma)) || sigma > max;
    }

    /** The model input: {@code x / sqrt(sigma^2 + 1)} (sigma [B] broadcast over x [B, ...]). */
    public Tensor calculateInput(Tensor sigma, Tensor x) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor s = perSample(sigma, x);
            return scope.keep(x.div(s.pow(2).add(SIGMA_DATA * SIGMA_DATA).pow(0.5)));
        }
    }

    /**
     * The denoised latent from the model output: eps gives {@code x - out * sigma}; v gives
     * {@code x / (sigma^2 + 1) - out * sigma / sqrt(sigma^2 + 1)}.
     */
    public Tensor calculateDenoised(Tensor sigma, Tensor modelOutput, Tensor x) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor s = perSample(sigma, modelOutput);
            Tensor out = switch (prediction) {
                case EPS -> x.sub(modelOutput.mul(s));
                case V_PREDICTION -> {
                    Tensor denominator = s.pow(2).add(SIGMA_DATA * SIGMA_DATA);
                    yield x.mul(SIGMA_DATA * SIGMA_DATA).div(denominator)
                            .sub(modelOutput.mul(s).mul(SIGMA_DATA).div(denominator.pow(0.5)));
                }
            };
            return scope.keep(out);
        }
    }

    /**
     * The starting point of sampling: {@code noise * sqrt(1 + sigma^2)} when {@code maxDenoise}
     * (see {@link #isMaxDenoise}), else {@code noise * sigma}; plus the (model-space) latent.
     */
    public Tensor noiseScaling(Tensor sigma, Tensor noise, Tensor latent, boolean maxDenoise) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor s = perSample(sigma, noise);
            Tensor scaled = maxDenoise ? noise.mul(s.pow(2.0).add(1.0).sqrt()) : noise.mul(s);
            return scope.keep(scaled.add(latent));
        }
    }

    /** The sampler's final latent back to the model's space: unchanged for eps and v. */
    public Tensor inverseNoiseScaling(Tensor sigma, Tensor latent) {
        return latent;
    }

    /** sigma [B] (or a single value) as [B, 1, 1, ...] to broadcast over {@code like}. */
    private static Tensor perSample(Tensor sigma, Tensor like) {
        long[] shape = new long[like.dim()];
        Arrays.fill(shape, 1);
        shape[0] = sigma.numel();
        if (sigma.numel() != 1 && sigma.numel() != like.size(0)) {
            throw new IllegalArgumentException("sigma has " + sigma.numel() + " values for a batch of " + like.size(0));
        }
        return sigma.to(like.dtype()).reshape(shape);
    }
}
