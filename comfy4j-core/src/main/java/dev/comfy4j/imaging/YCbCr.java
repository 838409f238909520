package dev.comfy4j.imaging;

import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.Tensor;

/**
 * kornia.color's YCbCr conversions (kornia 0.7.1) on separate planes, with its constants and
 * its float32 operation order. Call inside a tensor scope.
 */
public final class YCbCr {
    private static final double DELTA = 0.5;

    private YCbCr() {}

    /** rgb_to_ycbcr needs exactly three channels. */
    public static void requireThreeChannels(Tensor image) {
        if (image.dim() < 3 || image.size(image.dim() - 1) != 3) {
            long[] s = image.shape();
            throw PyError.valueError("Input size must have a shape of (*, 3, H, W). Got " + java.util.Arrays.toString(s));
        }
    }

    /** {Y, Cb, Cr}. */
    public static Tensor[] fromRgb(Tensor r, Tensor g, Tensor b) {
        Tensor y = r.mul(0.299).add(g.mul(0.587)).add(b.mul(0.114));
        Tensor cb = b.sub(y).mul(0.564).add(DELTA);
        Tensor cr = r.sub(y).mul(0.713).add(DELTA);
        return new Tensor[] {y, cb, cr};
    }

    /** {R, G, B}, not clamped. */
    public static Tensor[] toRgb(Tensor y, Tensor cb, Tensor cr) {
        Tensor cbShifted = cb.sub(DELTA);
        Tensor crShifted = cr.sub(DELTA);
        Tensor r = y.add(crShifted.mul(1.403));
        Tensor g = y.sub(crShifted.mul(0.714)).sub(cbShifted.mul(0.344));
        Tensor b = y.add(cbShifted.mul(1.773));
        return new Tensor[] {r, g, b};
    }
}
