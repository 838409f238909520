package dev.comfy4j.model.upscale;

import dev.comfy4j.model.vae.OutOfMemory;
import dev.comfy4j.model.vae.TiledScale;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of ComfyUI's {@code ImageUpscaleWithModel}: the IMAGE (BHWC) in channels-first, each batch item
 * through {@code comfy.utils.tiled_scale} (tiles of 512 with an overlap of 32, blended with linear feathers:
 * {@link TiledScale}), and on an out-of-memory error the whole run again with the tile halved, until a tile
 * below 128 would be needed (then the error stands). Progress counts tiles; a retry starts a new count, as
 * ComfyUI makes a new progress bar. The result is BHWC float32 on the CPU, clamped to [0, 1].
 */
public final class TiledUpscale {
    public static final int TILE = 512;
    public static final int OVERLAP = 32;
    public static final int MIN_TILE = 128;
    private static final Logger LOG = LoggerFactory.getLogger(TiledUpscale.class);

    /** Told after every tile. */
    @FunctionalInterface
    public interface Progress {
        void update(long done, long total);
    }

    private TiledUpscale() {}

    /** ComfyUI's tiling of {@code image} through {@code model}. */
    public static Tensor run(UpscaleModel model, Tensor image, Progress progress) {
        return run(model, image, progress, () -> {});
    }

    /**
     * As {@link #run(UpscaleModel, Tensor, Progress)}, with {@code interruptCheck} also run between the
     * network's main layers, so that an interrupt need not wait for the end of a tile (minutes on a CPU).
     */
    public static Tensor run(UpscaleModel model, Tensor image, Progress progress, Runnable interruptCheck) {
        return run(tile -> model.upscale(tile, interruptCheck), model.scale(), image, TILE, OVERLAP, MIN_TILE, progress);
    }

    /**
     * @param upscale one tile [1, C, h, w] to [1, C', h*scale, w*scale] (spandrel's model call)
     * @param tile the first tile size tried
     */
    public static Tensor run(UnaryOperator<Tensor> upscale, int scale, Tensor image, int tile, int overlap, int minTile,
            Progress progress) {
        if (image.dim() != 4) throw new IllegalArgumentException("an IMAGE is [batch, height, width, channels], not " + image.dim() + "-D");
        try (TensorScope scope = TensorScope.open()) {
            Tensor in = image.permute(0, 3, 1, 2).contiguous();
            long batch = in.size(0), height = in.size(2), width = in.size(3);
            while (true) {
                long total = batch * TiledScale.steps(width, height, tile, tile, overlap);
                long[] done = {0};
                try (TensorScope attempt = TensorScope.open()) {
                    Tensor out = TiledScale.run(in, x -> onCpu(upscale.apply(x)), tile, tile, overlap, scale, 3,
                            () -> progress.update(++done[0], total));
                    Tensor image4 = out.permute(0, 2, 3, 1).contiguous().clamp_(0, 1);
                    return scope.keep(attempt.keep(image4));
                } catch (RuntimeException e) {
                    if (!OutOfMemory.is(e)) throw e;
                    tile /= 2;
                    if (tile < minTile) throw e;
                    LOG.warn("Out of memory while upscaling; retrying with tiles of {}", tile);
                }
            }
        }
    }

    private static Tensor onCpu(Tensor t) {
        return t.device().equals(Device.CPU) ? t : t.to(Device.CPU);
    }
}
