package dev.comfy4j.nodes.image;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;

/**
 * kornia.morphology (0.7.1) with a square all-ones kernel and its default "geodesic" border, on
 * [B,H,W,C] tensors. The window of output pixel y covers input rows y - k/2 .. y - k/2 + k - 1 (the
 * same for dilation and erosion, even k included); outside the image kornia pads with -1e4 for
 * dilation and +1e4 for erosion. A flat square max or min is separable, so it runs as one pass
 * along the height and one along the width: max and min are exact, so the result is identical.
 * Call inside a tensor scope.
 */
final class FlatMorphology {
    /** kornia's max_val: the geodesic border value. */
    private static final double BORDER = 1e4;

    private FlatMorphology() {}

    static Tensor dilate(Tensor image, int k) {
        return extreme(extreme(image, 1, k, true), 2, k, true);
    }

    static Tensor erode(Tensor image, int k) {
        return extreme(extreme(image, 1, k, false), 2, k, false);
    }

    static Tensor open(Tensor image, int k) {
        return dilate(erode(image, k), k);
    }

    static Tensor close(Tensor image, int k) {
        return erode(dilate(image, k), k);
    }

    /** Running max or min over a window of {@code k} along {@code dim} of a 4-d tensor. */
    private static Tensor extreme(Tensor x, int dim, int k, boolean max) {
        long before = k / 2;
        long after = k - before - 1;
        // F.pad lists the last dimension first: (C), (W), (H).
        long[] pads = dim == 2 ? new long[] {0, 0, before, after} : new long[] {0, 0, 0, 0, before, after};
        Tensor padded = Functional.pad(x.contiguous(), pads, max ? -BORDER : BORDER).contiguous();
        long[] shape = padded.shape();
        long[] strides = new long[4];
        long stride = 1;
        for (int d = 3; d >= 0; d--) {
            strides[d] = stride;
            stride *= shape[d];
        }
        long[] windowShape = {shape[0], shape[1], shape[2], shape[3], k};
        windowShape[dim] = x.size(dim);
        long[] windowStrides = {strides[0], strides[1], strides[2], strides[3], strides[dim]};
        Tensor windows = padded.asStrided(windowShape, windowStrides, 0);
        long[] last = {4};
        return max ? windows.amax(last, false) : windows.amin(last, false);
    }
}
