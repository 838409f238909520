package dev.comfy4j.sampling.preview;

import dev.comfy4j.imaging.ImageEncoders;
import dev.comfy4j.imaging.PilResample;

/**
 * How ComfyUI's server encodes a sampler preview ({@code send_image}): {@code ImageOps.contain} to fit
 * {@code maxSize x maxSize} keeping the aspect ratio (small pictures are enlarged; the other side is
 * rounded), Pillow's bilinear resampling, then JPEG at quality 95.
 */
public final class PreviewJpeg {
    public static final int QUALITY = 95;

    private PreviewJpeg() {}

    /** The size {@code ImageOps.contain(image, (max, max))} gives: {@code [width, height]}. */
    public static int[] containedSize(int width, int height, int max) {
        double imageRatio = (double) width / height;
        if (imageRatio == 1.0) return new int[]{max, max};
        if (imageRatio > 1.0) return new int[]{max, (int) Math.rint((double) height / width * max)};
        return new int[]{(int) Math.rint((double) width / height * max), max};
    }

    public static byte[] encode(PreviewImage image, int maxSize) {
        int[] size = containedSize(image.width(), image.height(), maxSize);
        byte[] rgb = PilResample.resize(image.rgb(), image.width(), image.height(), 3, size[0], size[1],
                PilResample.Filter.BILINEAR);
        int[] argb = new int[size[0] * size[1]];
        for (int i = 0; i < argb.length; i++) {
            argb[i] = 0xff000000 | (rgb[3 * i] & 0xff) << 16 | (rgb[3 * i + 1] & 0xff) << 8 | (rgb[3 * i + 2] & 0xff);
        }
        return ImageEncoders.jpeg(size[0], size[1], argb, QUALITY);
    }
}
