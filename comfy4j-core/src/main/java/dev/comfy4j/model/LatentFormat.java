package dev.comfy4j.model;

/**
 * ComfyUI's {@code latent_formats}: how a model family's latents relate to its VAE's. The sampler multiplies
 * a VAE-space latent by {@link #scaleFactor()} on the way in ({@code process_in}) and divides by it on the
 * way out ({@code process_out}); the VAE nodes never scale. Previews mix the channels into RGB with
 * {@link #rgbFactors()} and {@link #rgbBias()}, or decode with the TAESD decoder whose file name starts with
 * {@link #taesdDecoderName()}.
 */
public enum LatentFormat {
    /** {@code latent_formats.SD15} (SD1.x and SD2.x). */
    SD15(0.18215, new float[][] {
        {0.3512f, 0.2297f, 0.3227f},
        {0.3250f, 0.4974f, 0.2350f},
        {-0.2829f, 0.1762f, 0.2721f},
        {-0.2120f, -0.2616f, -0.7177f},
    }, null, "taesd_decoder"),
    /** {@code latent_formats.SDXL} (SDXL base and refiner). */
    SDXL(0.13025, new float[][] {
        {0.3651f, 0.4232f, 0.4341f},
        {-0.2533f, -0.0042f, 0.1068f},
        {0.1076f, 0.1111f, -0.0362f},
        {-0.3165f, -0.2492f, -0.2188f},
    }, new float[] {0.1084f, -0.0175f, -0.0011f}, "taesdxl_decoder");

    private final double scaleFactor;
    private final float[][] rgbFactors;
    private final float[] rgbBias;
    private final String taesdDecoderName;

    LatentFormat(double scaleFactor, float[][] rgbFactors, float[] rgbBias, String taesdDecoderName) {
        this.scaleFactor = scaleFactor;
        this.rgbFactors = rgbFactors;
        this.rgbBias = rgbBias;
        this.taesdDecoderName = taesdDecoderName;
    }

    /** {@code scale_factor}: model-space latent = VAE-space latent times this. */
    public double scaleFactor() {
        return scaleFactor;
    }

    /** {@code latent_rgb_factors}: one row per latent channel, columns R, G, B (a copy). */
    public float[][] rgbFactors() {
        float[][] copy = new float[rgbFactors.length][];
        for (int i = 0; i < copy.length; i++) copy[i] = rgbFactors[i].clone();
        return copy;
    }

    /** {@code latent_rgb_factors_bias}, or null when the format has none (a copy). */
    public float[] rgbBias() {
        return rgbBias == null ? null : rgbBias.clone();
    }

    /** {@code taesd_decoder_name}: the prefix of the TAESD decoder's file in {@code models/vae_approx}. */
    public String taesdDecoderName() {
        return taesdDecoderName;
    }
}
