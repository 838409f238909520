package dev.comfy4j.nodes.image;

import dev.comfy4j.imaging.Pixels;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** The frames of an IMAGE batch as 8-bit pixels, the way the animated save nodes hand them to Pillow. */
record AnimatedFrames(int width, int height, boolean alpha, List<int[]> argb) {
    static AnimatedFrames of(Tensor images) {
        long[] s = images.shape();
        if (s.length != 4 || s[0] < 1) throw new PyError("IndexError", "index 0 is out of bounds for dimension 0 with size 0");
        int c = (int) s[3];
        if (c != 3 && c != 4) throw PyError.typeError("Cannot handle this data type: (1, 1, " + c + "), |u1");
        List<int[]> frames = new ArrayList<>();
        for (int b = 0; b < s[0]; b++) frames.add(Pixels.toArgb(images, b));
        return new AnimatedFrames((int) s[2], (int) s[1], c == 4, frames);
    }

    /** {@code int(1000.0 / fps)}. */
    static int durationMs(double fps) {
        return (int) (1000.0 / fps);
    }
}
