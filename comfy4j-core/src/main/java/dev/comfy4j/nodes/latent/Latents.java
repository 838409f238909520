package dev.comfy4j.nodes.latent;

import dev.comfy4j.nodes.image.ImageSupport;
import dev.comfy4j.imaging.Resample;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tensor helpers of the latent nodes (comfy.utils and nodes_latent functions); the value itself is {@link Latent}. */
public final class Latents {
    private Latents() {}

    /** comfy.utils.repeat_to_batch_size: truncate, or tile then truncate. */
    public static Tensor repeatToBatchSize(Tensor t, long batch) {
        long b = t.size(0);
        if (b > batch) return t.narrow(0, 0, batch);
        if (b < batch) {
            long[] reps = new long[t.dim()];
            java.util.Arrays.fill(reps, 1);
            reps[0] = (batch + b - 1) / b;
            return t.repeat(reps).narrow(0, 0, batch);
        }
        return t;
    }

    /** nodes_latent.reshape_latent_to: bilinear resize + centre crop when C,H,W differ, then batch matched. */
    public static Tensor reshapeLatentTo(long[] target, Tensor latent, boolean repeatBatch) {
        long[] s = latent.shape();
        Tensor out = latent;
        if (!java.util.Arrays.equals(java.util.Arrays.copyOfRange(s, 1, s.length), java.util.Arrays.copyOfRange(target, 1, target.length))) {
            out = Resample.commonUpscale(latent, target[target.length - 1], target[target.length - 2], "bilinear", "center");
        }
        return repeatBatch ? repeatToBatchSize(out, target[0]) : out;
    }

    static Tensor output(java.util.function.Supplier<Tensor> body) {
        return ImageSupport.compute(body);
    }
}
