package dev.comfy4j.nodes.latent;

import dev.comfy4j.nodes.image.ImageSupport;
import dev.comfy4j.imaging.Resample;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** LATENT dicts ({@code {"samples": [B,C,h,w], "noise_mask"?, "batch_index"?}}) as Java maps. */
public final class Latents {
    private Latents() {}

    /** A shallow copy of the dict ({@code samples.copy()}). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> copy(Object latent) {
        if (!(latent instanceof Map<?, ?> m)) throw PyError.typeError("LATENT must be a dict, not " + latent);
        return new LinkedHashMap<>((Map<String, Object>) m);
    }

    public static Tensor samples(Object latent) {
        if (!(latent instanceof Map<?, ?> m) || !(m.get("samples") instanceof Tensor t)) throw PyError.keyError("samples");
        return t;
    }

    /** A dict holding only {@code samples}. */
    public static Map<String, Object> of(Tensor samples) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", samples);
        return m;
    }

    /** The batch_index list as longs, or null. */
    @SuppressWarnings("unchecked")
    public static List<Long> batchIndex(Map<String, Object> latent) {
        Object v = latent.get("batch_index");
        if (v == null) return null;
        List<Long> out = new ArrayList<>();
        for (Object o : (List<Object>) v) out.add(((Number) o).longValue());
        return out;
    }

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
