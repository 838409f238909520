package dev.comfy4j.model.upscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfy4j.model.upscale.TinyUpscaleModels.Rrdb;
import dev.comfy4j.model.vae.TiledScale;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.MemoryStats;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ComfyUI's ImageUpscaleWithModel loop: tiles blend back to the untiled result, progress counts tiles,
 * out-of-memory halves the tile down to 128 and then gives up, and repeated runs keep memory flat.
 */
class TiledUpscaleTest {
    @TempDir Path dir;

    private static Tensor image(long seed, long batch, long h, long w) {
        try (var generator = dev.comfy4j.tensor.TorchGenerator.cpu(seed);
             Tensor noise = Tensor.randn(generator, DType.F32, batch, h, w, 3)) {
            return noise.sigmoid();
        }
    }

    /** An x4 RRDBNet whose kernels are zero but their centres: every output pixel depends on one input pixel. */
    private UpscaleModel pointwiseX4() throws Exception {
        // growth 4 instead of ESRGAN's 32 keeps this cheap; the loader reads the growth from the weights
        Rrdb weights = Rrdb.random(21, 3, 3, 4, 4, 1, 2, true);
        return UpscaleModels.load(TinyUpscaleModels.safetensors(dir.resolve("pointwise.safetensors"),
                weights.named(Esrgan.Layout.OLD), false), Device.CPU);
    }

    @Test
    void tilesBlendBackToTheUntiledResult() throws Exception {
        try (UpscaleModel model = pointwiseX4(); TensorScope ignored = TensorScope.open()) {
            Tensor image = image(1, 2, 150, 100);
            Tensor whole = TiledUpscale.run(model, image, (d, t) -> {});
            List<long[]> progress = new ArrayList<>();
            Tensor tiled = TiledUpscale.run(model::upscale, 4, image, 64, 16, 16, (d, t) -> progress.add(new long[] {d, t}));
            assertThat(whole.shape()).containsExactly(2, 600, 400, 3);
            assertThat(tiled.shape()).containsExactly(2, 600, 400, 3);
            float[] a = whole.toFloatArray(), b = tiled.toFloatArray();
            double diff = 0;
            for (int i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
            assertThat(diff).isLessThan(1e-5);
            // rows: range(0, 150 - 16, 48) = 3 tiles; columns: range(0, 84, 48) = 2; two images
            long total = 2 * TiledScale.steps(100, 150, 64, 64, 16);
            assertThat(total).isEqualTo(12);
            assertThat(progress).hasSize(12);
            for (int i = 0; i < 12; i++) assertThat(progress.get(i)).containsExactly(i + 1, 12);
            float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
            for (float f : a) { min = Math.min(min, f); max = Math.max(max, f); }
            assertThat(min).isGreaterThanOrEqualTo(0f);
            assertThat(max).isLessThanOrEqualTo(1f);
        }
    }

    @Test
    void outOfMemoryHalvesTheTileUntil128() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor image = image(2, 1, 300, 260);
            List<Long> sides = new ArrayList<>();
            // "fits" only tiles of at most 128 pixels a side; a pointwise x2 model otherwise
            UnaryOperator<Tensor> model = x -> {
                sides.add(Math.max(x.size(2), x.size(3)));
                if (x.size(2) > 128 || x.size(3) > 128) {
                    throw new RuntimeException("DefaultCPUAllocator: not enough memory: you tried to allocate 123456789 bytes.");
                }
                return dev.comfy4j.tensor.Functional.interpolate(x.mul(0.5), x.size(2) * 2, x.size(3) * 2,
                        dev.comfy4j.tensor.Interpolation.NEAREST, false);
            };
            List<long[]> progress = new ArrayList<>();
            Tensor out = TiledUpscale.run(model, 2, image, TiledUpscale.TILE, TiledUpscale.OVERLAP, TiledUpscale.MIN_TILE,
                    (d, t) -> progress.add(new long[] {d, t}));
            assertThat(sides.subList(0, 2)).containsExactly(300L, 256L);
            assertThat(sides.subList(2, sides.size())).allMatch(s -> s <= 128);
            long total = TiledScale.steps(260, 300, 128, 128, 32);
            assertThat(progress).hasSize((int) total);
            assertThat(progress.getLast()).containsExactly(total, total);
            try (Tensor expected = dev.comfy4j.tensor.Functional.interpolate(image.permute(0, 3, 1, 2).mul(0.5), 600, 520,
                    dev.comfy4j.tensor.Interpolation.NEAREST, false).permute(0, 2, 3, 1).contiguous()) {
                float[] a = expected.toFloatArray(), b = out.toFloatArray();
                for (int i = 0; i < a.length; i++) assertThat(b[i]).isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-6f));
            }
        }
    }

    @Test
    void outOfMemoryAtTile128IsRaised() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor image = image(3, 1, 200, 200);
            List<Long> sides = new ArrayList<>();
            UnaryOperator<Tensor> model = x -> {
                sides.add(x.size(2));
                throw new RuntimeException("CUDA out of memory. Tried to allocate 2.00 GiB");
            };
            assertThatThrownBy(() -> TiledUpscale.run(model, 4, image, 512, 32, 128, (d, t) -> {}))
                    .hasMessageContaining("out of memory");
            assertThat(sides).containsExactly(200L, 200L, 128L);
            UnaryOperator<Tensor> broken = x -> { throw new IllegalStateException("a bug, not memory"); };
            assertThatThrownBy(() -> TiledUpscale.run(broken, 4, image, 512, 32, 128, (d, t) -> {}))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void anInterruptBetweenBlocksStopsTheTileAndLeavesNoTensors() throws Exception {
        Rrdb weights = Rrdb.random(22, 3, 3, 4, 4, 3, 2, false);
        try (UpscaleModel model = UpscaleModels.load(TinyUpscaleModels.safetensors(dir.resolve("three.safetensors"),
                weights.named(Esrgan.Layout.NEW), false), Device.CPU); TensorScope scope = TensorScope.open()) {
            Tensor image = image(5, 1, 40, 40);
            int[] checks = {0};
            List<long[]> progress = new ArrayList<>();
            Tensor out = TiledUpscale.run(model, image, (d, t) -> progress.add(new long[] {d, t}), () -> checks[0]++);
            assertThat(checks[0]).as("one check per RRDB block").isEqualTo(3);
            assertThat(progress).hasSize(1);
            out.close();
            class Interrupted extends RuntimeException {}
            checks[0] = 0;
            assertThatThrownBy(() -> TiledUpscale.run(model, image, (d, t) -> {}, () -> {
                if (++checks[0] == 2) throw new Interrupted();
            })).isInstanceOf(Interrupted.class);
            assertThat(checks[0]).isEqualTo(2);
            assertThat(scope.size()).as("only the image is left").isEqualTo(1);
        }
    }

    @Test
    void repeatedUpscalesKeepMemoryFlat() throws Exception {
        try (UpscaleModel model = pointwiseX4()) {
            long[] rss = new long[2];
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 10; i++) {
                    try (TensorScope scope = TensorScope.open()) {
                        Tensor image = image(i, 1, 96, 96);
                        Tensor out = TiledUpscale.run(model::upscale, 4, image, 64, 16, 16, (d, t) -> {});
                        assertThat(out.shape()).containsExactly(1, 384, 384, 3);
                        out.close();
                        image.close();
                        assertThat(scope.size()).as("tensors left in the caller's scope").isZero();
                    }
                }
                System.gc();
                MemoryStats.trimNativeHeap();
                rss[round] = MemoryStats.currentRss();
            }
            // a leaked output alone would be 10 x 1.7 MB, a leaked tile's activations far more
            assertThat(rss[1] - rss[0]).as("RSS growth over 10 more upscales").isLessThan(12L << 20);
        }
    }
}
