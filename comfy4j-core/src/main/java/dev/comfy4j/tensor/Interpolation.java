package dev.comfy4j.tensor;

/**
 * Resampling modes of {@code torch.nn.functional.interpolate}, under the names ComfyUI's
 * {@code upscale_method} uses.
 */
public enum Interpolation {
    /** {@code mode="nearest"}: torch's legacy nearest (floor of the scaled index). */
    NEAREST("nearest"),
    /** {@code mode="nearest-exact"}: nearest with pixel-centre alignment (PIL's nearest). */
    NEAREST_EXACT("nearest-exact"),
    /** {@code mode="bilinear", align_corners=False}. */
    BILINEAR("bilinear"),
    /** {@code mode="bicubic", align_corners=False}. */
    BICUBIC("bicubic"),
    /** {@code mode="area"}: adaptive average pooling. */
    AREA("area");

    private final String comfyName;

    Interpolation(String comfyName) {
        this.comfyName = comfyName;
    }

    /** The name in ComfyUI's node inputs and in torch ({@code "nearest-exact"}, ...). */
    public String comfyName() {
        return comfyName;
    }

    public static Interpolation fromComfyName(String name) {
        for (Interpolation m : values()) if (m.comfyName.equals(name)) return m;
        throw new IllegalArgumentException("unknown interpolation mode: " + name);
    }
}
