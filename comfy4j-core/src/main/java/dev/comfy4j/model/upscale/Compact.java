package dev.comfy4j.model.upscale;

import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Detects and builds Real-ESRGAN Compact (SRVGGNet) models as spandrel's {@code CompactArch} does:
 * {@code body.0} is the first convolution, {@code body.1} its PReLU, and so on, the last {@code body.N}
 * the convolution to {@code out * scale^2} channels; the scale and output channels are read from its size.
 */
final class Compact {
    private Compact() {}

    static boolean detect(Set<String> keys) {
        return keys.contains("body.0.weight") && keys.contains("body.1.weight");
    }

    static UpscaleModel build(Set<String> keys, Weights w, Device device) {
        int highest = Esrgan.sequenceLength(keys, "body") - 1;
        long[] firstShape = w.shape("body.0.weight");
        long inChannels = firstShape[1], features = firstShape[0];
        int numConv = (highest - 2) / 2;
        if (highest < 2 || highest != 2 * numConv + 2) {
            throw new IllegalArgumentException("the 'body.N' sequence ends at " + highest + ", which is no Compact layout");
        }
        long shuffled = w.shape("body." + highest + ".bias")[0];
        long[] scaleAndOut = scaleAndOutputChannels(shuffled, inChannels);
        int scale = (int) scaleAndOut[0];
        long outChannels = scaleAndOut[1];
        try {
            List<Conv> convs = new ArrayList<>();
            List<Tensor> prelus = new ArrayList<>();
            for (int k = 0; k <= numConv; k++) {
                convs.add(w.conv("body." + 2 * k, k == 0 ? inChannels : features, features));
                long[] prelu = w.shape("body." + (2 * k + 1) + ".weight");
                if (prelu.length != 1 || prelu[0] != features) {
                    throw new IllegalArgumentException("the PReLU weight 'body." + (2 * k + 1) + ".weight' should hold " + features + " values");
                }
                prelus.add(w.track(w.tensor("body." + (2 * k + 1) + ".weight")));
            }
            convs.add(w.conv("body." + highest, features, shuffled));
            String description = numConv + " convolutions, " + features + " features, x" + scale;
            return new UpscaleModel("Compact", description, scale, (int) inChannels, (int) outChannels, 0, 1, device,
                    new SrvggCompact(convs, prelus, scale));
        } catch (RuntimeException e) {
            w.discard();
            throw e;
        }
    }

    /** spandrel's {@code get_scale_and_output_channels}: scale^2 * out = channels, out tried as in, 3, 4, 1. */
    static long[] scaleAndOutputChannels(long channels, long inChannels) {
        for (long c : new long[] {inChannels, 3, 4, 1}) {
            if (channels % c != 0) continue;
            long root = Math.round(Math.sqrt((double) (channels / c)));
            if (root * root == channels / c) return new long[] {root, c};
        }
        throw new IllegalArgumentException("Expected output channels to be either 1, 3, or 4. Could not find a pair (scale, out_nc)"
                + " such that `scale**2 * out_nc = " + channels + "`");
    }
}
