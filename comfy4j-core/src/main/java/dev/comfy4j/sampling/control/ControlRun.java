package dev.comfy4j.sampling.control;

import dev.comfy4j.imaging.Resample;
import dev.comfy4j.model.unet.Control;
import dev.comfy4j.model.unet.ControlNetModel;
import dev.comfy4j.model.unet.ControlNetwork;
import dev.comfy4j.model.unet.ControlResiduals;
import dev.comfy4j.model.unet.ModelSamplingDiscrete;
import dev.comfy4j.model.unet.T2iAdapter;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One link of a ControlNet chain during one sampler run: ComfyUI's {@code ControlNet.get_control} and
 * {@code T2IAdapter.get_control} after {@code pre_run}, with {@code control_merge}.
 *
 * <ul>
 *   <li>the previous link runs first; outside this link's sigma range ({@code sigma > start} or
 *       {@code sigma < end}, in float32) its result is returned as it is;</li>
 *   <li>the hint ({@code image.movedim(-1, 1)}) is resized to 8 times the latent batch's size with
 *       {@code common_upscale(..., 'nearest-exact', 'center')}, once per size, and repeated to the batch with
 *       {@code broadcast_image_to};</li>
 *   <li>a ControlNet runs on the scaled input ({@code calculate_input}) at the integer timestep with the batch's
 *       context; a T2I-Adapter runs once on the hint (its result is kept for the run);</li>
 *   <li>each output is multiplied by the strength (after the spatial mean for {@code global_average_pooling}),
 *       and the previous link's outputs are added index by index.</li>
 * </ul>
 *
 * <p>Owns its cached hint and adapter features and the lease on the network; {@link #close()} frees them.
 * Not thread-safe (one sampler run).
 */
final class ControlRun implements Control, AutoCloseable {
    private static final int COMPRESSION = 8;

    private final ControlNetwork network;
    private final AutoCloseable lease;
    private final Tensor image;
    private final double strength;
    private final double sigmaStart;
    private final double sigmaEnd;
    private final boolean globalAveragePooling;
    private final ModelSamplingDiscrete sampling;
    private final ControlRun previous;
    private Tensor hint;
    private List<Tensor> adapterFeatures;

    /**
     * @param image the hint IMAGE [B, H, W, C] (not owned)
     * @param sigmaStart the control is off while sigma is above it
     * @param sigmaEnd the control is off once sigma is below it
     */
    ControlRun(ControlNetwork network, AutoCloseable lease, Tensor image, double strength, double sigmaStart, double sigmaEnd,
            boolean globalAveragePooling, ModelSamplingDiscrete sampling, ControlRun previous) {
        this.network = network;
        this.lease = lease;
        this.image = image;
        this.strength = strength;
        this.sigmaStart = sigmaStart;
        this.sigmaEnd = sigmaEnd;
        this.globalAveragePooling = globalAveragePooling;
        this.sampling = sampling;
        this.previous = previous;
    }

    @Override
    public ControlResiduals residuals(Tensor x, Tensor sigma, Tensor context, int batchedNumber) {
        ControlResiduals prev = previous == null ? null : previous.residuals(x, sigma, context, batchedNumber);
        float s = (float) sigma.select(0, 0).item();
        if (s > (float) sigmaStart || s < (float) sigmaEnd) return prev;
        return switch (network) {
            case ControlNetModel net -> controlNet(net, x, sigma, context, batchedNumber, prev);
            case T2iAdapter adapter -> adapter(adapter, x, batchedNumber, prev);
        };
    }

    private ControlResiduals controlNet(ControlNetModel net, Tensor x, Tensor sigma, Tensor context, int batched,
            ControlResiduals prev) {
        long width = x.size(3) * COMPRESSION;
        long height = x.size(2) * COMPRESSION;
        if (hint == null || hint.size(2) != height || hint.size(3) != width) cacheHint(width, height, false);
        try (TensorScope scope = TensorScope.open()) {
            Tensor h = x.size(0) != hint.size(0) ? broadcastImageTo(hint, x.size(0), batched) : hint;
            Tensor input = sampling.calculateInput(sigma, x);
            Tensor t = sampling.timestep(sigma).to(DType.F32);
            ControlNetModel.Outputs out = net.forward(input, h, t, context);
            ControlResiduals merged = new ControlResiduals();
            merged.list(ControlResiduals.Block.MIDDLE).add(scale(out.middle()));
            for (Tensor o : out.output()) merged.list(ControlResiduals.Block.OUTPUT).add(scale(o));
            addPrevious(merged, prev);
            keepAll(scope, merged);
            return merged;
        }
    }

    private ControlResiduals adapter(T2iAdapter adapter, Tensor x, int batched, ControlResiduals prev) {
        // scale_image_to: up to a multiple of the unshuffle factor (8), which 8x a latent already is
        long width = ceilTo(x.size(3) * COMPRESSION, 8);
        long height = ceilTo(x.size(2) * COMPRESSION, 8);
        if (hint == null || x.size(2) * COMPRESSION != hint.size(2) || x.size(3) * COMPRESSION != hint.size(3)) {
            cacheHint(width, height, adapter.inputChannels() == 1);
            closeFeatures();
        }
        if (x.size(0) != hint.size(0)) replaceHint(broadcastImageTo(hint, x.size(0), batched));
        if (adapterFeatures == null) {
            List<Tensor> features = adapter.forward(hint);
            for (Tensor f : features) if (f != null) f.escapeScope();
            adapterFeatures = features;
        }
        try (TensorScope scope = TensorScope.open()) {
            ControlResiduals merged = new ControlResiduals();
            for (Tensor f : adapterFeatures) merged.list(ControlResiduals.Block.INPUT).add(f == null ? null : scale(f));
            addPrevious(merged, prev);
            keepAll(scope, merged);
            return merged;
        }
    }

    /** {@code x *= strength} (after the spatial mean with global average pooling), as a new tensor. */
    private Tensor scale(Tensor x) {
        Tensor v = x;
        if (globalAveragePooling) v = v.mean(new long[]{2, 3}, true).repeat(1, 1, x.size(2), x.size(3));
        return v.mul(strength);
    }

    /** The merge with the previous link's outputs: appended past this link's, summed where both have one. */
    private static void addPrevious(ControlResiduals merged, ControlResiduals prev) {
        if (prev == null) return;
        for (ControlResiduals.Block block : ControlResiduals.Block.values()) {
            List<Tensor> o = merged.list(block);
            List<Tensor> p = prev.list(block);
            for (int i = 0; i < p.size(); i++) {
                Tensor prevVal = p.get(i);
                if (i >= o.size()) o.add(prevVal);
                else if (prevVal != null) o.set(i, o.get(i) == null ? prevVal : prevVal.add(o.get(i)));
            }
        }
    }

    private static void keepAll(TensorScope scope, ControlResiduals merged) {
        java.util.Set<Tensor> kept = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (ControlResiduals.Block block : ControlResiduals.Block.values()) {
            for (Tensor t : merged.list(block)) if (t != null && kept.add(t)) scope.keep(t);
        }
    }

    /** The hint resized for this size, kept for the run; 1-channel adapters get the mean of the channels. */
    private void cacheHint(long width, long height, boolean meanChannels) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor nchw = image.permute(0, 3, 1, 2);
            Tensor resized = Resample.commonUpscale(nchw, width, height, "nearest-exact", "center").to(DType.F32);
            if (meanChannels && resized.size(1) > 1) resized = resized.mean(new long[]{1}, true);
            replaceHint(scope.keep(resized.contiguous()).escapeScope());
        }
    }

    private void replaceHint(Tensor next) {
        if (hint != null && hint != next) hint.close();
        hint = next.escapeScope();
    }

    /** {@code broadcast_image_to}: the hint repeated to the batch of {@code batched} pieces of the latent batch each. */
    static Tensor broadcastImageTo(Tensor t, long target, int batched) {
        long current = t.size(0);
        if (current == 1) return t;
        long perBatch = target / batched;
        Tensor x = t.narrow(0, 0, Math.min(perBatch, current));
        if (perBatch > x.size(0)) {
            List<Tensor> parts = new ArrayList<>(Collections.nCopies((int) (perBatch / x.size(0)), x));
            long rest = perBatch % x.size(0);
            if (rest > 0) parts.add(x.narrow(0, 0, rest));
            x = Tensor.cat(parts, 0);
        }
        if (x.size(0) == target) return x;
        return Tensor.cat(Collections.nCopies(batched, x), 0);
    }

    private static long ceilTo(long v, long m) {
        return (v + m - 1) / m * m;
    }

    private void closeFeatures() {
        if (adapterFeatures != null) for (Tensor f : adapterFeatures) if (f != null) f.close();
        adapterFeatures = null;
    }

    @Override
    public void close() throws Exception {
        closeFeatures();
        if (hint != null) hint.close();
        hint = null;
        lease.close();
    }
}
