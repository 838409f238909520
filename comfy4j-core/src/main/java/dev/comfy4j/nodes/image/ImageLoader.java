package dev.comfy4j.nodes.image;

import dev.comfy4j.imaging.ImageFileDecoder;
import dev.comfy4j.imaging.Pixels;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** LoadImage's body: frames to an IMAGE batch and a MASK batch (1 - alpha, or 64x64 zeros without alpha). */
public final class ImageLoader {
    private ImageLoader() {}

    /** The decoded frames of a file, with Python's errors for a missing file. */
    public static List<ImageFileDecoder.Frame> frames(Path file, String name) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PyError("FileNotFoundError", "[Errno 2] No such file or directory: '" + name + "'");
        } catch (IOException e) {
            throw new PyError("OSError", e.getMessage());
        }
        return ImageFileDecoder.frames(bytes, name);
    }

    /** [image, mask] as LoadImage returns them. */
    public static List<Object> load(Path file, String name) {
        List<ImageFileDecoder.Frame> frames = frames(file, name);
        return ImageSupport.computeValue(() -> {
            List<Tensor> images = new ArrayList<>();
            List<Tensor> masks = new ArrayList<>();
            int w = frames.getFirst().width(), h = frames.getFirst().height();
            for (ImageFileDecoder.Frame f : frames) {
                if (f.width() != w || f.height() != h) continue;
                images.add(rgb(f).unsqueeze(0));
                masks.add(f.hasAlpha() ? invertedAlpha(f).unsqueeze(0) : Tensor.zeros(dev.comfy4j.tensor.DType.F32, 1, 64, 64));
            }
            Tensor image = images.size() == 1 ? images.getFirst() : Tensor.cat(images, 0);
            Tensor mask = masks.size() == 1 ? masks.getFirst() : Tensor.cat(masks, 0);
            return List.of(image, mask);
        });
    }

    /** [H,W,3] float32: the RGB bytes / 255. */
    public static Tensor rgb(ImageFileDecoder.Frame f) {
        byte[] bytes = new byte[f.argb().length * 3];
        for (int i = 0; i < f.argb().length; i++) {
            int p = f.argb()[i];
            bytes[i * 3] = (byte) (p >> 16);
            bytes[i * 3 + 1] = (byte) (p >> 8);
            bytes[i * 3 + 2] = (byte) p;
        }
        return Pixels.fromBytes(bytes, f.height(), f.width(), 3);
    }

    /** [H,W] float32: 1 - alpha/255. */
    public static Tensor invertedAlpha(ImageFileDecoder.Frame f) {
        float[] m = new float[f.argb().length];
        for (int i = 0; i < m.length; i++) m[i] = 1f - (f.argb()[i] >>> 24) / 255.0f;
        return Tensor.fromFloats(m, f.height(), f.width());
    }

    /** [H,W] float32 of one channel (0 red .. 3 alpha) / 255, alpha inverted (LoadImageMask). */
    public static Tensor channel(ImageFileDecoder.Frame f, int channel) {
        if (channel == 3) return invertedAlpha(f);
        int shift = 16 - 8 * channel;
        float[] m = new float[f.argb().length];
        for (int i = 0; i < m.length; i++) m[i] = ((f.argb()[i] >> shift) & 0xff) / 255.0f;
        return Tensor.fromFloats(m, f.height(), f.width());
    }
}
