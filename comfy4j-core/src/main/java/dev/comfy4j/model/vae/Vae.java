package dev.comfy4j.model.vae;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.MemoryStats;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ComfyUI's {@code comfy.sd.VAE} for the SD VAE: IMAGE in and out ([B, H, W, 3] float 0..1), latents
 * in VAE space ([B, 4, H/8, W/8], not multiplied by {@link #SD1_SCALE_FACTOR}). Splits batches by
 * ComfyUI's memory estimates, tiles with ComfyUI's feathered blend ({@code VAEDecodeTiled} /
 * {@code VAEEncodeTiled}), and falls back to tiles when memory runs short.
 *
 * <p>Results are float32 CPU tensors owned by the caller's scope. Not thread-safe.
 */
public final class Vae implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Vae.class);

    /** {@code latent_format.scale_factor} of SD1.x models: sampler latents are VAE latents times this. */
    public static final double SD1_SCALE_FACTOR = 0.18215;

    /** ComfyUI's {@code memory_used_decode} for AutoencoderKL: bytes per latent cell, float32. */
    static final long COMFY_DECODE_BYTES_PER_LATENT_CELL = 2178L * 64 * 4;
    /** ComfyUI's {@code memory_used_encode} for AutoencoderKL: bytes per input pixel, float32. */
    static final long COMFY_ENCODE_BYTES_PER_PIXEL = 1767L * 4;
    /**
     * What this implementation's decode of one image peaks at, per output pixel, rounded up: about
     * 3.6 KB measured at 512x512 (peak RSS minus the process and the mapped weights, bench/README.md).
     * Used to go tiled before an allocation could fail: on Linux a large allocation rarely fails
     * outright; the kernel kills the process later instead.
     */
    static final long OWN_DECODE_BYTES_PER_PIXEL = 4L * 256 * 4;
    /** As {@link #OWN_DECODE_BYTES_PER_PIXEL} for encoding, per input pixel: four 128-channel float32 activations at full size. */
    static final long OWN_ENCODE_BYTES_PER_PIXEL = 4L * 128 * 4;

    /** The activation bytes a float32 decode to {@code pixels} output pixels needs, by this class's estimate. */
    public static long decodeBytesEstimate(long pixels) {
        return OWN_DECODE_BYTES_PER_PIXEL * pixels;
    }

    /** Told as tiles finish: ComfyUI's progress bar of the tiled paths. */
    @FunctionalInterface
    public interface Progress {
        void update(long done, long total);
    }

    private final AutoencoderKL model;
    private final VaeCodec codec;
    private final LongSupplier freeMemory;
    private final List<AutoCloseable> owned;
    private boolean closed;

    /** A VAE over {@code model}; closing it closes the model and then {@code alsoOwned} (e.g. its state dict). */
    public Vae(AutoencoderKL model, AutoCloseable... alsoOwned) {
        this(model, model, MemoryStats::availableRam, List.of(alsoOwned));
    }

    Vae(AutoencoderKL model, VaeCodec codec, LongSupplier freeMemory, List<AutoCloseable> owned) {
        this.model = model;
        this.codec = codec;
        this.freeMemory = freeMemory;
        this.owned = new ArrayList<>(owned);
    }

    public AutoencoderKL model() {
        return model;
    }

    public int latentChannels() {
        return model.latentChannels();
    }

    public int downscaleRatio() {
        return model.downscaleRatio();
    }

    // ---- decode -----------------------------------------------------------------------------

    /** {@code VAE.decode}: latent [B, C, h, w] to IMAGE [B, h*8, w*8, 3], {@code clamp((x+1)/2, 0, 1)}. */
    public Tensor decode(Tensor latent) {
        checkOpen();
        checkLatent(latent);
        try (TensorScope scope = TensorScope.open()) {
            Tensor image;
            try {
                image = decodeInBatches(latent);
            } catch (RuntimeException e) {
                if (!OutOfMemory.is(e)) throw e;
                LOG.warn("Warning: Ran out of memory when regular VAE decoding, retrying with tiled VAE decoding.");
                image = toImage(decodeTiledLatent(latent, 64, 64, 16, null));
            }
            return scope.keep(image);
        }
    }

    private Tensor decodeInBatches(Tensor latent) {
        long[] s = latent.shape();
        long free = freeMemory.getAsLong();
        long pixels = s[2] * s[3] * (long) downscaleRatio() * downscaleRatio();
        if (free > 0 && OWN_DECODE_BYTES_PER_PIXEL * pixels > free) {
            throw new VaeOutOfMemoryException("decoding one " + Arrays.toString(s) + " latent needs about "
                    + (OWN_DECODE_BYTES_PER_PIXEL * pixels >> 20) + " MB, " + (free >> 20) + " MB are free");
        }
        long perItem = COMFY_DECODE_BYTES_PER_LATENT_CELL * s[2] * s[3];
        long batch = Math.max(1, free / perItem);
        Tensor out = null;
        for (long x = 0; x < s[0]; x += batch) {
            long n = Math.min(batch, s[0] - x);
            try (TensorScope step = TensorScope.open()) {
                Tensor raw = codec.decodeRaw(latent.narrow(0, x, n));
                processOutput(raw);
                if (out == null) {
                    out = step.keep(Tensor.empty(DType.F32, Device.CPU, s[0], raw.size(2), raw.size(3), raw.size(1)));
                }
                out.narrow(0, x, n).copy_(raw.permute(0, 2, 3, 1));
            }
        }
        return out;
    }

    /**
     * The {@code VAEDecodeTiled} node: {@code tileSize} and {@code overlap} in pixels (the overlap cut to
     * a quarter of the tile when larger), each divided by 8 for the latent. The temporal inputs only
     * matter for video VAEs and are ignored here, as ComfyUI ignores them for image VAEs.
     */
    public Tensor decodeTiled(Tensor latent, int tileSize, int overlap, int temporalSize, int temporalOverlap) {
        return decodeTiled(latent, tileSize, overlap, temporalSize, temporalOverlap, null);
    }

    public Tensor decodeTiled(Tensor latent, int tileSize, int overlap, int temporalSize, int temporalOverlap,
            Progress progress) {
        checkOpen();
        checkLatent(latent);
        if (tileSize < overlap * 4) overlap = tileSize / 4;
        int compression = downscaleRatio();
        int tile = tileSize / compression;
        try (TensorScope scope = TensorScope.open()) {
            return scope.keep(toImage(decodeTiledLatent(latent, tile, tile, overlap / compression, progress)));
        }
    }

    /** ComfyUI's {@code decode_tiled_}: the mean of three tilings (tall, wide, square), then clamped. */
    private Tensor decodeTiledLatent(Tensor latent, int tileX, int tileY, int overlap, Progress progress) {
        long[] s = latent.shape();
        long total = s[0] * (TiledScale.steps(s[3], s[2], tileX, tileY, overlap)
                + TiledScale.steps(s[3], s[2], tileX / 2, tileY * 2, overlap)
                + TiledScale.steps(s[3], s[2], tileX * 2, tileY / 2, overlap));
        TiledScale.Progress bar = progressBar(progress, total);
        UnaryOperator<Tensor> decode = codec::decodeRaw;
        double up = downscaleRatio();
        Tensor sum = TiledScale.run(latent, decode, tileY * 2, tileX / 2, overlap, up, 3, bar);
        try (Tensor wide = TiledScale.run(latent, decode, tileY / 2, tileX * 2, overlap, up, 3, bar);
                Tensor square = TiledScale.run(latent, decode, tileY, tileX, overlap, up, 3, bar)) {
            sum.add_(wide).add_(square).div_(3.0);
        }
        return processOutput(sum);
    }

    // ---- encode -----------------------------------------------------------------------------

    /**
     * {@code VAE.encode} of an IMAGE [B, H, W, C]: the RGB channels, centre-cropped to multiples of 8,
     * mapped to {@code x*2-1}, encoded to the posterior mean [B, 4, H/8, W/8].
     */
    public Tensor encode(Tensor image) {
        checkOpen();
        try (TensorScope scope = TensorScope.open()) {
            Tensor pixels = nchwPixels(image);
            Tensor latent;
            try {
                latent = encodeInBatches(pixels);
            } catch (RuntimeException e) {
                if (!OutOfMemory.is(e)) throw e;
                LOG.warn("Warning: Ran out of memory when regular VAE encoding, retrying with tiled VAE encoding.");
                latent = encodeTiledPixels(pixels, 512, 512, 64, null);
            }
            return scope.keep(latent);
        }
    }

    private Tensor encodeInBatches(Tensor pixels) {
        long[] s = pixels.shape();
        long free = freeMemory.getAsLong();
        if (free > 0 && OWN_ENCODE_BYTES_PER_PIXEL * s[2] * s[3] > free) {
            throw new VaeOutOfMemoryException("encoding one " + s[2] + "x" + s[3] + " image needs about "
                    + (OWN_ENCODE_BYTES_PER_PIXEL * s[2] * s[3] >> 20) + " MB, " + (free >> 20) + " MB are free");
        }
        long perItem = Math.max(1, COMFY_ENCODE_BYTES_PER_PIXEL * s[2] * s[3]);
        long batch = Math.max(1, free / perItem);
        Tensor out = null;
        for (long x = 0; x < s[0]; x += batch) {
            long n = Math.min(batch, s[0] - x);
            try (TensorScope step = TensorScope.open()) {
                Tensor mean = codec.encodeMean(processInput(pixels.narrow(0, x, n)));
                if (out == null) out = step.keep(Tensor.empty(DType.F32, Device.CPU, s[0], mean.size(1), mean.size(2), mean.size(3)));
                out.narrow(0, x, n).copy_(mean);
            }
        }
        return out;
    }

    /**
     * The {@code VAEEncodeTiled} node: square tiles of {@code tileSize} pixels overlapping by
     * {@code overlap} pixels (temporal inputs ignored, as for any image VAE).
     */
    public Tensor encodeTiled(Tensor image, int tileSize, int overlap, int temporalSize, int temporalOverlap) {
        return encodeTiled(image, tileSize, overlap, temporalSize, temporalOverlap, null);
    }

    public Tensor encodeTiled(Tensor image, int tileSize, int overlap, int temporalSize, int temporalOverlap,
            Progress progress) {
        checkOpen();
        try (TensorScope scope = TensorScope.open()) {
            return scope.keep(encodeTiledPixels(nchwPixels(image), tileSize, tileSize, overlap, progress));
        }
    }

    /** ComfyUI's {@code encode_tiled_}: the mean of three tilings (square, wide, tall). */
    private Tensor encodeTiledPixels(Tensor pixels, int tileX, int tileY, int overlap, Progress progress) {
        long[] s = pixels.shape();
        long total = s[0] * (TiledScale.steps(s[3], s[2], tileX, tileY, overlap)
                + TiledScale.steps(s[3], s[2], tileX / 2, tileY * 2, overlap)
                + TiledScale.steps(s[3], s[2], tileX * 2, tileY / 2, overlap));
        TiledScale.Progress bar = progressBar(progress, total);
        UnaryOperator<Tensor> encode = a -> codec.encodeMean(processInput(a));
        double down = 1.0 / downscaleRatio();
        int channels = latentChannels();
        Tensor sum = TiledScale.run(pixels, encode, tileY, tileX, overlap, down, channels, bar);
        try (Tensor wide = TiledScale.run(pixels, encode, tileY / 2, tileX * 2, overlap, down, channels, bar);
                Tensor tall = TiledScale.run(pixels, encode, tileY * 2, tileX / 2, overlap, down, channels, bar)) {
            sum.add_(wide).add_(tall).div_(3.0);
        }
        return sum;
    }

    // ---- ComfyUI's pixel conventions --------------------------------------------------------

    /** {@code clamp((x + 1) / 2, 0, 1)}, in place. */
    private static Tensor processOutput(Tensor x) {
        return x.add_(1.0).div_(2.0).clamp_(0.0, 1.0);
    }

    /** {@code x * 2 - 1}. */
    private static Tensor processInput(Tensor x) {
        Tensor doubled = x.mul(2.0);
        return doubled.sub(1.0);
    }

    /** NCHW (float32, 0..1) to IMAGE NHWC. */
    private static Tensor toImage(Tensor nchw) {
        return nchw.permute(0, 2, 3, 1).contiguous();
    }

    /**
     * An IMAGE [B, H, W, C] as NCHW float32 pixels: the first three channels, centre-cropped to
     * multiples of the downscale ratio as {@code vae_encode_crop_pixels} does (offset {@code (size % 8) / 2}).
     */
    private Tensor nchwPixels(Tensor image) {
        long[] s = image.shape();
        if (s.length != 4 || s[3] < 3) {
            throw new IllegalArgumentException("expected an IMAGE of shape [B, H, W, 3], got " + Arrays.toString(s));
        }
        int ratio = downscaleRatio();
        if (s[1] < ratio || s[2] < ratio) {
            throw new IllegalArgumentException("an image of " + s[2] + "x" + s[1] + " pixels is smaller than the VAE's "
                    + ratio + "-pixel cell");
        }
        Tensor x = s[3] == 3 ? image : image.narrow(3, 0, 3);
        for (int d = 1; d <= 2; d++) {
            long kept = (s[d] / ratio) * ratio;
            if (kept != s[d]) x = x.narrow(d, (s[d] % ratio) / 2, kept);
        }
        Tensor f = x.dtype() == DType.F32 ? x : x.to(DType.F32);
        return f.permute(0, 3, 1, 2);
    }

    private void checkLatent(Tensor latent) {
        long[] s = latent.shape();
        if (s.length != 4 || s[1] != latentChannels()) {
            throw new IllegalArgumentException("expected a latent of shape [B, " + latentChannels() + ", H, W], got "
                    + Arrays.toString(s));
        }
    }

    private static TiledScale.Progress progressBar(Progress progress, long total) {
        if (progress == null) return null;
        long[] done = {0};
        return () -> progress.update(Math.min(++done[0], total), total);
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("the VAE is closed");
    }

    /** Closes the model, then whatever it was given to own (the state dict of a VAE file). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        model.close();
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not release the VAE's weights", e);
            }
        }
    }

    /** Thrown before a decode or encode that would not fit in memory, to take the tiled path instead. */
    static final class VaeOutOfMemoryException extends RuntimeException {
        VaeOutOfMemoryException(String message) {
            super("not enough memory: " + message);
        }
    }
}
