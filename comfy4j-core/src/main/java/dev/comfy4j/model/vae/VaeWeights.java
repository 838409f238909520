package dev.comfy4j.model.vae;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the VAE's layers from its tensors, keyed as in LDM checkpoints without prefix
 * ({@code encoder.down.0.block.0.norm1.weight}, ...). Records every {@link Param} it makes so the
 * model can free them.
 */
final class VaeWeights {
    private final Map<String, Tensor> tensors;
    private final boolean resident;
    private final boolean fusedUpsample;
    private final DType computeDtype;
    private final List<Param> made = new ArrayList<>();

    VaeWeights(Map<String, Tensor> tensors, boolean resident, boolean fusedUpsample, DType computeDtype) {
        this.tensors = tensors;
        this.resident = resident;
        this.fusedUpsample = fusedUpsample;
        this.computeDtype = computeDtype;
    }

    boolean has(String key) {
        return tensors.containsKey(key);
    }

    Tensor raw(String key) {
        Tensor t = tensors.get(key);
        if (t == null) throw new MissingVaeKeyException(key);
        return t;
    }

    /** A convolution's or linear layer's weight, in the compute dtype. */
    Param param(String key) {
        return param(key, computeDtype);
    }

    private Param param(String key, DType dtype) {
        Param p = resident ? Param.resident(raw(key), dtype) : Param.castPerUse(raw(key), dtype);
        made.add(p);
        return p;
    }

    List<Param> made() {
        return made;
    }

    Conv2d conv(String prefix, int stride, int padding) {
        return new Conv2d(param(prefix + ".weight"), param(prefix + ".bias"), stride, padding);
    }

    /** A 3x3 conv with padding 1, or a 1x1 conv without padding, read from the weight's shape. */
    Conv2d conv(String prefix) {
        long kernel = raw(prefix + ".weight").shape()[2];
        return conv(prefix, 1, (int) (kernel / 2));
    }

    Upsample upsample(String convPrefix) {
        Param weight = param(convPrefix + ".weight");
        Param bias = param(convPrefix + ".bias");
        return new Upsample(new Conv2d(weight, bias, 1, 1), weight, bias, fusedUpsample);
    }

    GroupNorm norm(String prefix) {
        // Norms keep float32 affine weights whatever the compute dtype (autocast's rule).
        return new GroupNorm(param(prefix + ".weight", DType.F32), param(prefix + ".bias", DType.F32));
    }

    ResnetBlock resnet(String prefix) {
        Conv2d shortcut = has(prefix + ".nin_shortcut.weight") ? conv(prefix + ".nin_shortcut") : null;
        return new ResnetBlock(norm(prefix + ".norm1"), conv(prefix + ".conv1"), norm(prefix + ".norm2"), conv(prefix + ".conv2"),
                shortcut);
    }

    AttnBlock attention(String prefix) {
        return new AttnBlock(norm(prefix + ".norm"), param(prefix + ".q.weight"), param(prefix + ".q.bias"),
                param(prefix + ".k.weight"), param(prefix + ".k.bias"), param(prefix + ".v.weight"), param(prefix + ".v.bias"),
                param(prefix + ".proj_out.weight"), param(prefix + ".proj_out.bias"));
    }

    /** How many consecutive indices {@code prefix + i + suffix} exist, from 0. */
    int count(String prefix, String suffix) {
        int n = 0;
        while (hasAnyStartingWith(prefix + n + suffix)) n++;
        return n;
    }

    private boolean hasAnyStartingWith(String start) {
        for (String k : tensors.keySet()) if (k.startsWith(start)) return true;
        return false;
    }

    /** A key the architecture needs is absent from the file. */
    static final class MissingVaeKeyException extends IllegalArgumentException {
        MissingVaeKeyException(String key) {
            super("the VAE weights lack " + key);
        }
    }
}
