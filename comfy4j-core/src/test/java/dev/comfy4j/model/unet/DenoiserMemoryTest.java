package dev.comfy4j.model.unet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.model.Prediction;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.MemoryStats;
import dev.comfy4j.tensor.Noise;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Denoiser calls free every temporary: RSS stays flat over many calls, as over many sampler steps. */
class DenoiserMemoryTest {
    @TempDir
    Path dir;

    @Test
    void hundredCfgDenoiserCallsKeepRssFlat() throws Exception {
        try (TinyUnets.Opened m = TinyUnets.sd1(dir, DType.F16);
                DiffusionModel model = new DiffusionModel(UNetModel.load(m.stateDict(), m.architecture().unetPrefix(),
                        m.architecture().unet(), WeightStorage.CAST_PER_CALL, Device.CPU), ModelSamplingDiscrete.of(Prediction.EPS),
                        m.architecture().family())) {
            CfgDenoiser denoiser = new CfgDenoiser();
            Tensor x = Noise.prepare(1, new long[]{1, 4, 16, 16}, null);
            Tensor cond = Noise.prepare(2, new long[]{1, 154, 32}, null);
            Tensor uncond = Noise.prepare(3, new long[]{1, 77, 32}, null);
            Tensor sigma = Tensor.fromFloats(new float[]{4f}, 1);
            for (int i = 0; i < 20; i++) step(denoiser, model, x, sigma, cond, uncond); // warm up allocator and pools
            long before = settledRss();
            int live = 0;
            for (int i = 0; i < 100; i++) live = step(denoiser, model, x, sigma, cond, uncond);
            long after = settledRss();
            // Each call allocates some 20 MB of temporaries (batch 2, 32x32): leaking them would show as GBs.
            assertThat(after - before).as("RSS growth in bytes over 100 calls").isLessThan(64L << 20);
            assertThat(live).as("tensors left in the step scope besides the result").isEqualTo(1);
            for (Tensor t : new Tensor[]{x, cond, uncond, sigma}) t.close();
        }
    }

    /**
     * RSS once the Java heap is collected and glibc has returned its free pages: what is left is what
     * the calls still hold, not the JVM's heap growth or the allocator's cache (which vary with the
     * machine's load and would make a raw RSS reading flaky).
     */
    private static long settledRss() {
        System.gc();
        MemoryStats.trimNativeHeap();
        return MemoryStats.currentRss();
    }

    private static int step(CfgDenoiser denoiser, DiffusionModel model, Tensor x, Tensor sigma, Tensor cond, Tensor uncond) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor out = denoiser.denoise(model, x, sigma, cond, uncond, 7.5);
            assertThat(out.shape()).containsExactly(1, 4, 16, 16);
            return scope.size();
        }
    }
}
