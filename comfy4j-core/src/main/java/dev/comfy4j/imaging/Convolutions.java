package dev.comfy4j.imaging;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;

/** The Gaussian kernel and reflect-padded depthwise convolution of ComfyUI's blur and sharpen nodes. */
public final class Convolutions {
    private Convolutions() {}

    /** exp(-d²/2σ²) over a linspace(-1, 1) grid, normalised to sum 1 ([k,k] float32). */
    public static Tensor gaussian(int size, double sigma) {
        Tensor lin = Tensor.linspace(-1, 1, size, DType.F32);
        Tensor x = lin.reshape(size, 1).expand(size, size);
        Tensor y = lin.reshape(1, size).expand(size, size);
        Tensor d = x.mul(x).add(y.mul(y)).sqrt();
        Tensor g = d.mul(d).neg().div(2.0 * sigma * sigma).exp();
        return g.div(g.sum());
    }

    /** Each channel of an IMAGE convolved with {@code kernel}, after reflect padding by {@code radius}. */
    public static Tensor depthwise(Tensor image, Tensor kernel, int radius) {
        long c = image.size(3);
        int size = (int) kernel.size(0);
        Tensor weights = kernel.repeat(c, 1, 1).unsqueeze(1);
        Tensor padded = Functional.pad(image.permute(0, 3, 1, 2), new long[] {radius, radius, radius, radius}, "reflect");
        Tensor conv = Functional.conv2d(padded, weights, null, 1, size / 2, 1, c);
        return conv.slice(2, radius, conv.size(2) - radius, 1).slice(3, radius, conv.size(3) - radius, 1).permute(0, 2, 3, 1);
    }
}
