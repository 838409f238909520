package dev.comfy4j.imaging;

import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Interpolation;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ComfyUI's {@code comfy.utils.common_upscale}: optional centre crop to the target aspect, then
 * torch interpolation (nearest-exact, bilinear, bicubic, area), Pillow's 8-bit Lanczos, or bislerp.
 * Tensors with more than 4 dimensions ([B,C,T,H,W]) are folded into the batch and back.
 * Call inside a tensor scope; the result is a new tensor (or a view).
 */
public final class Resample {
    private Resample() {}

    /** Resizes an NCHW tensor to {@code height x width}. */
    public static Tensor commonUpscale(Tensor samples, long width, long height, String method, String crop) {
        long[] orig = samples.shape();
        Tensor s = samples;
        if (orig.length > 4) {
            s = s.reshape(orig[0], orig[1], -1, orig[orig.length - 2], orig[orig.length - 1]).permute(0, 2, 1, 3, 4)
                    .reshape(-1, orig[1], orig[orig.length - 2], orig[orig.length - 1]);
        }
        if ("center".equals(crop)) s = centerCrop(s, width, height);
        Tensor out = switch (method) {
            case "bislerp" -> Bislerp.resize(s, width, height);
            case "lanczos" -> lanczos(s, width, height);
            // Contiguous NCHW: the channels-last kernels of newer libtorch round differently from ComfyUI's torch.
            default -> Functional.interpolate(s.contiguous(), height, width, interpolation(method), false);
        };
        if (orig.length <= 4) return out;
        long[] folded = {orig[0], -1, orig[1], height, width};
        long[] finalShape = Arrays.copyOf(orig, orig.length);
        finalShape[orig.length - 2] = height;
        finalShape[orig.length - 1] = width;
        return out.reshape(folded).permute(0, 2, 1, 3, 4).reshape(finalShape);
    }

    private static Interpolation interpolation(String method) {
        try {
            return Interpolation.fromComfyName(method);
        } catch (IllegalArgumentException e) {
            throw new PyError("NotImplementedError", "Got 4D input, but " + method + " mode needs different input");
        }
    }

    /** The crop of common_upscale: keep the middle part that has the target aspect ratio. */
    public static Tensor centerCrop(Tensor s, long width, long height) {
        long oldW = s.size(3);
        long oldH = s.size(2);
        double oldAspect = (double) oldW / oldH;
        double newAspect = (double) width / height;
        long x = 0;
        long y = 0;
        if (oldAspect > newAspect) x = (long) Math.rint((oldW - oldW * (newAspect / oldAspect)) / 2);
        else if (oldAspect < newAspect) y = (long) Math.rint((oldH - oldH * (oldAspect / newAspect)) / 2);
        return s.slice(2, y, Math.max(y, oldH - y), 1).slice(3, x, Math.max(x, oldW - x), 1);
    }

    /** comfy.utils.lanczos: each image through Pillow on uint8 (clip(255x) truncated), then /255. */
    public static Tensor lanczos(Tensor nchw, long width, long height) {
        long[] s = nchw.shape();
        int c = (int) s[1];
        int h = (int) s[2];
        int w = (int) s[3];
        if (c != 1 && c != 3 && c != 4) throw new PyError("TypeError", "Cannot handle this data type: (1, 1, " + c + "), |u1");
        List<Tensor> images = new ArrayList<>();
        for (int b = 0; b < s[0]; b++) {
            byte[] pixels = Pixels.toBytes(nchw.select(0, b).permute(1, 2, 0));
            byte[] resized = PilLanczos.resize(pixels, w, h, c, (int) width, (int) height);
            images.add(Pixels.fromBytes(resized, (int) height, (int) width, c).permute(2, 0, 1));
        }
        return Tensor.stack(images, 0).to(nchw.dtype());
    }

    /** IMAGE [B,H,W,C] resized through common_upscale (movedim to channels first and back). */
    public static Tensor image(Tensor image, long width, long height, String method, String crop) {
        return commonUpscale(image.permute(0, 3, 1, 2), width, height, method, crop).permute(0, 2, 3, 1);
    }

    /** Anything float with an image-like last pair of dims, as float32 contiguous. */
    public static Tensor f32(Tensor t) {
        return t.to(DType.F32).contiguous();
    }
}
