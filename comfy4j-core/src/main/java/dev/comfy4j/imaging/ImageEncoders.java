package dev.comfy4j.imaging;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** JPEG through ImageIO, WebP through our own lossless encoder: the two preview formats of {@code /view}. */
public final class ImageEncoders {
    private ImageEncoders() {}

    /** A baseline JPEG of the RGB part of {@code argb} at {@code quality} 1-100 (Pillow's scale). */
    public static byte[] jpeg(int width, int height, int[] argb, int quality) {
        BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, width, height, argb, 0, width);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream();
                ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(Math.max(0.01f, Math.min(1f, quality / 100f)));
            writer.write(null, new IIOImage(rgb, null, null), param);
            ios.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    /**
     * A lossless WebP of the pixels. Pillow writes lossy WebP at the requested quality; the JDK has no
     * WebP writer, so we write lossless WebP, which every WebP decoder reads and which loses nothing.
     */
    public static byte[] webp(int width, int height, int[] argb, boolean withAlpha) {
        return WebpLosslessEncoder.encode(width, height, argb, withAlpha);
    }
}
