package dev.comfy4j.nodes.image;

import dev.comfy4j.nodes.latent.Latents;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Interpolation;
import dev.comfy4j.tensor.Tensor;

/** nodes_mask.composite: paste a source into an NCHW destination through a mask, clipped to it. */
public final class Composite {
    private Composite() {}

    /** Changes and returns {@code destination} (pass a clone); positions are in units of {@code multiplier}. */
    public static Tensor paste(Tensor destination, Tensor source, long x, long y, Tensor mask, long multiplier, boolean resizeSource) {
        Tensor src = source;
        if (resizeSource) src = Functional.interpolate(src, destination.size(2), destination.size(3), Interpolation.BILINEAR, false);
        src = Latents.repeatToBatchSize(src, destination.size(0));
        x = Math.max(-src.size(3) * multiplier, Math.min(x, destination.size(3) * multiplier));
        y = Math.max(-src.size(2) * multiplier, Math.min(y, destination.size(2) * multiplier));
        long left = Math.floorDiv(x, multiplier), top = Math.floorDiv(y, multiplier);
        long right = left + src.size(3), bottom = top + src.size(2);
        Tensor m;
        if (mask == null) {
            m = Tensor.ones(src.dtype(), src.shape());
        } else {
            m = Functional.interpolate(mask.reshape(-1, 1, mask.size(-2), mask.size(-1)), src.size(2), src.size(3), Interpolation.BILINEAR, false);
            m = Latents.repeatToBatchSize(m, src.size(0));
        }
        long visibleW = destination.size(3) - left + Math.min(0, x);
        long visibleH = destination.size(2) - top + Math.min(0, y);
        m = m.slice(2, 0, visibleH, 1).slice(3, 0, visibleW, 1);
        Tensor inverse = Tensor.ones(m.dtype(), m.shape()).sub(m);
        Tensor sourcePortion = m.mul(src.slice(2, 0, visibleH, 1).slice(3, 0, visibleW, 1));
        Tensor region = destination.slice(2, top, bottom, 1).slice(3, left, right, 1);
        Tensor destinationPortion = inverse.mul(region);
        region.copy_(sourcePortion.add(destinationPortion));
        return destination;
    }

    /** node_helpers.image_alpha_fix: trims the source's extra channels, or pads the destination with ones. */
    public static Tensor[] alphaFix(Tensor destination, Tensor source) {
        long dc = destination.size(-1), sc = source.size(-1);
        if (dc < sc) return new Tensor[] {destination, source.narrow(-1, 0, dc)};
        if (dc > sc) {
            Tensor padded = Functional.pad(destination, new long[] {0, 1}, 0.0);
            padded.select(padded.dim() - 1, padded.size(-1) - 1).fill_(1.0);
            return new Tensor[] {padded, source};
        }
        return new Tensor[] {destination, source};
    }
}
