package dev.comfy4j.model.vae;

import dev.comfy4j.model.StateDict;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Stable Diffusion VAE (ComfyUI's {@code AutoencoderKL}; also its {@code AutoencodingEngine} when the
 * file has no quant convs): an {@link Encoder} and a {@link Decoder} built from the weights, computed in
 * float32 on the CPU as ComfyUI does. The layout (number of levels, blocks per level, latent channels)
 * is read from the weights, so the SD1/SD2/SDXL VAEs and the x4-upscaler VAE all load.
 *
 * <p>Activations run channels-last (NHWC memory), where oneDNN's convolutions are fastest; results
 * come back as plain contiguous NCHW tensors. Weights stay in the file's dtype (memory-mapped) and are
 * widened to float32 per use unless {@link Options#residentWeights} asks for float32 copies.
 *
 * <p>Not thread-safe: one decode or encode at a time. Does not own the tensors it was built from:
 * whoever owns the state dict closes it after this model.
 */
public final class AutoencoderKL implements VaeCodec, AutoCloseable {
    /** The prefix of VAE weights in an SD checkpoint. */
    public static final String CHECKPOINT_PREFIX = "first_stage_model.";

    /**
     * How the model keeps its weights, lays out activations and what it computes in: float32 (ComfyUI's
     * numbers on the CPU) or bfloat16 (about twice as fast where the CPU has AVX-512 BF16; norms stay float32).
     */
    public record Options(boolean residentWeights, boolean channelsLast, boolean fusedUpsample, DType computeDtype) {
        public Options {
            if (computeDtype != DType.F32 && computeDtype != DType.BF16) {
                throw new IllegalArgumentException("the VAE computes in F32 or BF16, not " + computeDtype);
            }
        }

        public Options(boolean residentWeights, boolean channelsLast, boolean fusedUpsample) {
            this(residentWeights, channelsLast, fusedUpsample, DType.F32);
        }

        /** What measured fastest within the golden tolerance (see bench/README.md). */
        public static Options defaults() {
            return new Options(false, true, true);
        }

        /** The defaults, computing in {@code dtype}. */
        public static Options computingIn(DType dtype) {
            return new Options(false, true, true, dtype);
        }
    }

    private final Encoder encoder;
    private final Decoder decoder;
    private final Conv2d quantConv;
    private final Conv2d postQuantConv;
    private final long latentChannels;
    private final int downscaleRatio;
    private final Options options;
    private final List<Param> params;
    private boolean closed;

    private AutoencoderKL(VaeWeights w, Options options) {
        this.options = options;
        this.latentChannels = w.raw("decoder.conv_in.weight").shape()[1];
        this.decoder = new Decoder(w, "decoder.");
        this.encoder = w.has("encoder.conv_in.weight") ? new Encoder(w, "encoder.") : null;
        this.quantConv = w.has("quant_conv.weight") ? w.conv("quant_conv") : null;
        this.postQuantConv = w.has("post_quant_conv.weight") ? w.conv("post_quant_conv") : null;
        this.downscaleRatio = 1 << (decoder.levelCount() - 1);
        this.params = List.copyOf(w.made());
    }

    /**
     * The VAE whose weights are the keys of {@code stateDict} starting with {@code prefix}
     * ({@link #CHECKPOINT_PREFIX} in checkpoints, empty in VAE files), in the LDM or the diffusers layout.
     *
     * @throws IllegalArgumentException when a weight the architecture needs is missing
     */
    public static AutoencoderKL fromStateDict(StateDict stateDict, String prefix) {
        return fromStateDict(stateDict, prefix, Options.defaults());
    }

    public static AutoencoderKL fromStateDict(StateDict stateDict, String prefix, Options options) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        stateDict.tensors().forEach((k, t) -> {
            if (k.startsWith(prefix)) tensors.put(k.substring(prefix.length()), t);
        });
        return fromTensors(tensors, options);
    }

    /** As {@link #fromStateDict} for tensors already without prefix. They stay owned by the caller. */
    public static AutoencoderKL fromTensors(Map<String, Tensor> tensors, Options options) {
        Map<String, Tensor> ldm = DiffusersVaeKeys.isDiffusers(tensors) ? DiffusersVaeKeys.toLdm(tensors) : tensors;
        if (!ldm.containsKey("decoder.conv_in.weight")) {
            throw new IllegalArgumentException("no Stable Diffusion VAE weights (decoder.conv_in.weight is missing)");
        }
        VaeWeights w = new VaeWeights(ldm, options.residentWeights(), options.fusedUpsample(), options.computeDtype());
        try {
            return new AutoencoderKL(w, options);
        } catch (RuntimeException e) {
            for (Param p : w.made()) p.release();
            throw e;
        }
    }

    /** {@code tensors} (without prefix) under ComfyUI's LDM key names: renamed when in the diffusers layout. */
    public static Map<String, Tensor> ldmNames(Map<String, Tensor> tensors) {
        return DiffusersVaeKeys.isDiffusers(tensors) ? DiffusersVaeKeys.toLdm(tensors) : tensors;
    }

    /** Whether {@code tensors} (without prefix) look like the weights of this VAE type. */
    public static boolean looksLikeVae(Iterable<String> keys) {
        for (String k : keys) {
            if (k.equals("decoder.conv_in.weight") || k.equals(DiffusersVaeKeys.MARKER)) return true;
        }
        return false;
    }

    /** Channels of a latent (4 for SD1/SD2/SDXL). */
    public int latentChannels() {
        return (int) latentChannels;
    }

    /** Pixels per latent cell along each side (8, or 4 for the x4-upscaler VAE). */
    public int downscaleRatio() {
        return downscaleRatio;
    }

    public boolean canEncode() {
        return encoder != null;
    }

    /**
     * Decodes a latent in VAE space ({@code [B, C, h, w]}, not multiplied by the scale factor) to
     * {@code [B, 3, h*8, w*8]} pixels in about -1..1, not clamped: {@code decoder(post_quant_conv(z))}.
     * The result is float32, contiguous NCHW, owned by the caller's scope.
     */
    @Override
    public Tensor decodeRaw(Tensor latent) {
        checkOpen();
        checkShape(latent, latentChannels, "latent");
        try (TensorScope scope = TensorScope.open()) {
            Tensor z = prepare(latent);
            if (postQuantConv != null) z = postQuantConv.forward(z);
            Tensor out = decoder.forward(z);
            return scope.keep(asFloat32(out).contiguous());
        }
    }

    /**
     * Encodes pixels ({@code [B, 3, H, W]} in -1..1, H and W multiples of the downscale ratio) to the
     * posterior mean {@code [B, C, H/8, W/8]}: the first half of {@code quant_conv(encoder(x))}, not scaled.
     */
    @Override
    public Tensor encodeMean(Tensor image) {
        checkOpen();
        if (encoder == null) throw new IllegalStateException("this VAE has no encoder weights, so it cannot encode");
        checkShape(image, 3, "image");
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = prepare(image);
            Tensor moments = encoder.forward(x);
            if (quantConv != null) moments = quantConv.forward(moments);
            return scope.keep(asFloat32(moments.narrow(1, 0, latentChannels)).contiguous());
        }
    }

    private Tensor prepare(Tensor input) {
        Tensor x = input.dtype() == options.computeDtype() ? input : input.to(options.computeDtype());
        return options.channelsLast() ? x.contiguousChannelsLast() : x.contiguous();
    }

    private static Tensor asFloat32(Tensor t) {
        return t.dtype() == DType.F32 ? t : t.to(DType.F32);
    }

    private static void checkShape(Tensor t, long channels, String what) {
        long[] s = t.shape();
        if (s.length != 4 || s[1] != channels) {
            throw new IllegalArgumentException("expected a " + what + " of shape [B, " + channels + ", H, W], got "
                    + java.util.Arrays.toString(s));
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("the VAE is closed");
    }

    /** Frees the float32 weight copies, if any. The state dict the weights came from stays open. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (Param p : params) p.release();
    }
}
