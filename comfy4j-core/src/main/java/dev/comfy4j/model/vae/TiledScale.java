package dev.comfy4j.model.vae;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * ComfyUI's {@code comfy.utils.tiled_scale_multidim} for 2-D inputs: runs {@code function} (a decoder
 * or an encoder, which scales each side by {@code scale}) on overlapping tiles of each batch item and
 * blends the tiles with linear feathers over the overlap, weighted sums divided by the summed weights.
 *
 * <p>Tile positions per side are {@code range(0, size - overlap, tile - overlap)} (a single tile at 0
 * when the side fits), the last tiles shorter; a tile's mask falls off as {@code (t+1)/feather} over
 * its first and last {@code feather = round(overlap * scale)} rows and columns unless the feather is
 * as large as the tile. An item that fits in one tile goes through {@code function} whole. Also the
 * tiling of {@code ImageUpscaleWithModel} ({@code comfy.utils.tiled_scale}, see model.upscale).
 */
public final class TiledScale {
    /** Told after every tile: tiles done so far (across calls sharing the listener) and the total. */
    public interface Progress {
        void tileDone();
    }

    private TiledScale() {}

    /**
     * @param samples [B, C, H, W]
     * @param tileH tile height in input cells
     * @param tileW tile width in input cells
     * @param overlap overlap in input cells, both sides
     * @param scale output cells per input cell (8 to decode, 1/8 to encode)
     * @param outChannels channels of {@code function}'s output
     */
    public static Tensor run(Tensor samples, UnaryOperator<Tensor> function, int tileH, int tileW, int overlap, double scale,
            int outChannels, Progress progress) {
        long[] s = samples.shape();
        int[] tile = {tileH, tileW};
        long[] outSize = {pyRound(s[2] * scale), pyRound(s[3] * scale)};
        for (int d = 0; d < 2; d++) {
            if (s[d + 2] > tile[d] && tile[d] - overlap <= 0) {
                throw new IllegalArgumentException("tile size " + tile[d] + " must be larger than the overlap " + overlap);
            }
        }
        Tensor output = Tensor.empty(DType.F32, Device.CPU, s[0], outChannels, outSize[0], outSize[1]);
        for (long b = 0; b < s[0]; b++) {
            try (TensorScope ignored = TensorScope.open()) {
                Tensor item = samples.narrow(0, b, 1);
                Tensor out = output.narrow(0, b, 1);
                if (s[2] <= tile[0] && s[3] <= tile[1]) {
                    out.copy_(function.apply(item));
                    if (progress != null) progress.tileDone();
                    continue;
                }
                blendTiles(item, out, function, tile, overlap, scale, progress);
            }
        }
        return output;
    }

    private static void blendTiles(Tensor item, Tensor out, UnaryOperator<Tensor> function, int[] tile, int overlap,
            double scale, Progress progress) {
        long[] s = item.shape();
        out.fill_(0);
        Tensor weights = Tensor.zeros(DType.F32, 1, 1, out.size(2), out.size(3));
        List<List<Long>> positions = new ArrayList<>();
        for (int d = 0; d < 2; d++) positions.add(positions(s[d + 2], tile[d], overlap));
        for (long y : positions.get(0)) {
            for (long x : positions.get(1)) {
                try (TensorScope ignored = TensorScope.open()) {
                    long[] pos = {y, x};
                    Tensor in = item;
                    long[] at = new long[2];
                    for (int d = 0; d < 2; d++) {
                        long p = Math.max(0, Math.min(s[d + 2] - overlap, pos[d]));
                        long length = Math.min(tile[d], s[d + 2] - p);
                        in = in.narrow(d + 2, p, length);
                        at[d] = pyRound(p * scale);
                    }
                    Tensor piece = function.apply(in);
                    Tensor mask = featherMask(piece.size(2), piece.size(3), pyRound(overlap * scale));
                    Tensor o = out, w = weights, pieceView = piece, maskView = mask;
                    for (int d = 0; d < 2; d++) {
                        long length = Math.min(pieceView.size(d + 2), o.size(d + 2) - at[d]);
                        o = o.narrow(d + 2, at[d], length);
                        w = w.narrow(d + 2, at[d], length);
                        if (length < pieceView.size(d + 2)) {
                            pieceView = pieceView.narrow(d + 2, 0, length);
                            maskView = maskView.narrow(d + 2, 0, length);
                        }
                    }
                    o.add_(pieceView.mul(maskView));
                    w.add_(maskView);
                }
                if (progress != null) progress.tileDone();
            }
        }
        out.div_(weights);
        weights.close();
    }

    /** {@code range(0, size - overlap, tile - overlap)}, or {@code [0]} when the side fits in one tile. */
    static List<Long> positions(long size, int tile, int overlap) {
        List<Long> out = new ArrayList<>();
        if (size <= tile) {
            out.add(0L);
            return out;
        }
        for (long p = 0; p < size - overlap; p += tile - overlap) out.add(p);
        return out;
    }

    /** A [1, 1, h, w] mask: 1 inside, {@code (t+1)/feather} on the t-th row or column from each edge. */
    static Tensor featherMask(long h, long w, long feather) {
        Tensor mask = Tensor.ones(DType.F32, 1, 1, h, w);
        long[] sizes = {h, w};
        for (int d = 2; d < 4; d++) {
            if (feather >= sizes[d - 2]) continue;
            for (long t = 0; t < feather; t++) {
                double a = (double) (t + 1) / feather;
                try (Tensor first = mask.narrow(d, t, 1); Tensor last = mask.narrow(d, sizes[d - 2] - 1 - t, 1)) {
                    first.mul_(a);
                    last.mul_(a);
                }
            }
        }
        return mask;
    }

    /** ComfyUI's {@code get_tiled_scale_steps}: how many tiles one item takes. */
    public static long steps(long width, long height, int tileX, int tileY, int overlap) {
        long rows = height <= tileY ? 1 : (long) Math.ceil((double) (height - overlap) / (tileY - overlap));
        long cols = width <= tileX ? 1 : (long) Math.ceil((double) (width - overlap) / (tileX - overlap));
        return rows * cols;
    }

    /** Python's {@code round}: halves to even. */
    static long pyRound(double v) {
        return (long) Math.rint(v);
    }
}
