package dev.comfy4j.nodes;

/**
 * How previews of a running sampler are made: ComfyUI's {@code --preview-method} ({@code none},
 * {@code auto}, {@code latent2rgb}, {@code taesd}) and {@code --preview-size} (the longest side in pixels).
 */
public record PreviewSettings(String method, int maxSize) {
    public static final PreviewSettings NONE = new PreviewSettings("none", 512);

    public boolean enabled() {
        return !"none".equals(method);
    }
}
