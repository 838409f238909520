package dev.comfy4j.imaging;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.lang.foreign.ValueLayout;

/** Conversions between IMAGE tensors ([B,H,W,C] float 0..1) and 8-bit pixels, as ComfyUI makes them with numpy. */
public final class Pixels {
    private Pixels() {}

    /**
     * {@code np.clip(255. * x, 0, 255).astype(np.uint8)} of one [H,W,C] image: float32 multiply, clip,
     * truncation. Returns the bytes row by row, C per pixel.
     */
    public static byte[] toBytes(Tensor hwc) {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor q = hwc.to(DType.F32).mul(255.0).clamp(0, 255).to(DType.U8).contiguous();
            return q.dataSegment().toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** Image {@code b} of a [B,H,W,C] tensor as 0xAARRGGBB pixels (alpha 255 unless C is 4). */
    public static int[] toArgb(Tensor image, int b) {
        long[] s = image.shape();
        int h = (int) s[1], w = (int) s[2], c = (int) s[3];
        byte[] bytes;
        try (TensorScope ignored = TensorScope.open()) {
            bytes = toBytes(image.select(0, b));
        }
        int[] argb = new int[w * h];
        for (int i = 0; i < argb.length; i++) {
            int o = i * c;
            int r = bytes[o] & 0xff;
            int g = c > 1 ? bytes[o + 1] & 0xff : r;
            int bl = c > 2 ? bytes[o + 2] & 0xff : r;
            int a = c > 3 ? bytes[o + 3] & 0xff : 255;
            argb[i] = (a << 24) | (r << 16) | (g << 8) | bl;
        }
        return argb;
    }

    /** A float32 [H,W,C] tensor of 8-bit samples divided by 255 (as {@code np.array(img).astype(np.float32) / 255.0}). */
    public static Tensor fromBytes(byte[] samples, int h, int w, int c) {
        float[] f = new float[samples.length];
        for (int i = 0; i < f.length; i++) f[i] = (samples[i] & 0xff) / 255.0f;
        return Tensor.fromFloats(f, h, w, c);
    }
}
