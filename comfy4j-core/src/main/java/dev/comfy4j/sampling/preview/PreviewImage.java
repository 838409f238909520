package dev.comfy4j.sampling.preview;

/** An 8-bit RGB picture, row by row, three bytes per pixel. */
public record PreviewImage(int width, int height, byte[] rgb) {
    public PreviewImage {
        if (rgb.length != (long) width * height * 3) throw new IllegalArgumentException("expected " + width + "x" + height + " RGB bytes");
    }
}
