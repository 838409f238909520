package dev.comfy4j.imaging;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * A decoded image as 8-bit ARGB pixels, with whether the source was an RGBA image in Pillow's sense
 * (four components: RGB plus alpha). Grey, grey+alpha and palette images are not RGBA, even when the
 * palette has transparent entries; their {@link #argb} still carries the alpha Pillow's
 * {@code convert("RGBA")} would give.
 */
public record DecodedImage(int width, int height, int[] argb, boolean rgbaMode) {

    /** Decodes PNG, JPEG, GIF, BMP, TIFF or WBMP bytes; empty when the bytes are no image ImageIO reads. */
    public static Optional<DecodedImage> decode(byte[] bytes) {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (img == null) return Optional.empty();
        return Optional.of(from(img));
    }

    public static DecodedImage from(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] argb = new int[w * h];
        var cm = img.getColorModel();
        Raster raster = img.getRaster();
        boolean grey = cm instanceof ComponentColorModel && cm.getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY;
        if (grey) {
            // Read grey samples directly: BufferedImage.getRGB would pass them through a gamma conversion.
            int bits = cm.getComponentSize(0);
            boolean hasAlpha = cm.hasAlpha();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int g = to8(raster.getSample(x, y, 0), bits);
                    int a = hasAlpha ? to8(raster.getSample(x, y, 1), cm.getComponentSize(1)) : 255;
                    argb[y * w + x] = (a << 24) | (g << 16) | (g << 8) | g;
                }
            }
        } else {
            img.getRGB(0, 0, w, h, argb, 0, w);
        }
        boolean rgba = cm.hasAlpha() && !(cm instanceof IndexColorModel) && !grey && cm.getNumComponents() == 4;
        return new DecodedImage(w, h, argb, rgba);
    }

    private static int to8(int sample, int bits) {
        if (bits == 8) return sample & 0xff;
        if (bits > 8) return sample >>> (bits - 8);
        int max = (1 << bits) - 1;
        return Math.round(sample * 255f / max);
    }

    /** A copy with every alpha set to 255 (Pillow's {@code convert("RGB")}). */
    public int[] opaque() {
        int[] out = new int[argb.length];
        for (int i = 0; i < argb.length; i++) out[i] = argb[i] | 0xff000000;
        return out;
    }

    /** The alpha of an RGBA-mode image; 255 everywhere for other modes (ComfyUI's {@code channel=a} rule). */
    public int alphaAt(int i) {
        return rgbaMode ? argb[i] >>> 24 : 255;
    }
}
