package dev.comfy4j.nodes.image;

import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Shared plumbing of the image, mask and latent nodes: tensor ownership of node outputs, and the
 * conversions between IMAGE tensors ([B,H,W,C] float 0..1) and 8-bit pixels.
 *
 * <p>Ownership: a node computes inside a {@link TensorScope} that frees every temporary, and its
 * results leave the scope with {@link Tensor#escapeScope()}. They are then owned by nobody but the
 * engine's output cache that holds them; when the cache drops an entry the tensor becomes
 * unreachable and JavaCPP's garbage-collected deallocator releases the libtorch handle. Nothing
 * closes an output explicitly, because one tensor may sit in several cache entries (a node that
 * passes its input through returns the same tensor).
 */
public final class ImageSupport {
    private ImageSupport() {}

    /** Runs {@code body} in a fresh scope and returns its tensor result, owned by the caller. */
    public static Tensor compute(Supplier<Tensor> body) {
        try (TensorScope ignored = TensorScope.open()) {
            return body.get().escapeScope();
        }
    }

    /** Runs {@code body} in a fresh scope; every tensor found in its result (a LATENT dict, a list) leaves the scope. */
    public static <T> T computeValue(Supplier<T> body) {
        try (TensorScope ignored = TensorScope.open()) {
            T value = body.get();
            escapeAll(value);
            return value;
        }
    }

    private static void escapeAll(Object value) {
        if (value instanceof Tensor t) t.escapeScope();
        else if (value instanceof Map<?, ?> m) m.values().forEach(ImageSupport::escapeAll);
        else if (value instanceof Iterable<?> it) it.forEach(ImageSupport::escapeAll);
    }

    /** An insertion-ordered map from alternating keys and values (object_info option dicts). */
    public static Map<String, Object> orderedMap(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }

    /** A tensor input, with a Python-style error when something else arrives. */
    public static Tensor tensor(Object value, String what) {
        if (value instanceof Tensor t) return t;
        throw PyError.typeError(what + " must be a tensor, not " + (value == null ? "None" : value.getClass().getSimpleName()));
    }

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

    /** Python's round(): half to even. */
    public static long pyRound(double v) {
        return (long) Math.rint(v);
    }
}
