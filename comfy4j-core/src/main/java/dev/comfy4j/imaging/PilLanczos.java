package dev.comfy4j.imaging;

/** Pillow's 8-bit LANCZOS resize ({@code Image.resize(size, Image.LANCZOS)}); see {@link PilResample}. */
public final class PilLanczos {
    private PilLanczos() {}

    /**
     * @param pixels interleaved 8-bit samples, {@code channels} per pixel, row by row
     * @return the resized samples, same layout
     */
    public static byte[] resize(byte[] pixels, int width, int height, int channels, int newWidth, int newHeight) {
        return PilResample.resize(pixels, width, height, channels, newWidth, newHeight, PilResample.Filter.LANCZOS);
    }
}
