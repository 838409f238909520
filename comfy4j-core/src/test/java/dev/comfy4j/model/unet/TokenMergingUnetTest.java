package dev.comfy4j.model.unet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfy4j.model.options.AttentionPatch;
import dev.comfy4j.model.options.TransformerOptions;
import dev.comfy4j.model.options.TransformerPatches;
import dev.comfy4j.nodes.modelpatch.TomePatchModel;
import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.DefaultGenerator;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Noise;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TomePatchModel's patches in a tiny random SD1 UNet: ratio 0 leaves the output bit-identical (and draws nothing),
 * a ratio above 0 changes it, the same run generator state gives the same output, and each self-attention at the
 * latent's full resolution takes exactly one {@code randint} of (H/2) x (W/2) values from the run's generator.
 */
class TokenMergingUnetTest {
    @TempDir
    Path dir;

    private static TransformerPatches tome(double ratio) {
        var pairing = new TomePatchModel.Pairing();
        return TransformerPatches.NONE.withAttn1(new TomePatchModel.Merging(ratio, pairing))
                .withAttn1Output(new TomePatchModel.Unmerging(pairing));
    }

    @Test
    void mergesTheFullResolutionSelfAttentions() throws Exception {
        try (TinyUnets.Opened m = TinyUnets.sd1(dir, DType.F32); TensorScope ignored = TensorScope.open()) {
            UNetModel unet = UNetModel.load(m.stateDict(), m.architecture().unetPrefix(), m.architecture().unet(),
                    WeightStorage.CAST_PER_CALL, Device.CPU);
            try (unet) {
                Tensor x = Noise.prepare(1, new long[] {2, 4, 16, 16}, null);
                Tensor t = Tensor.fromFloats(new float[] {500f, 500f}, 2);
                Tensor context = Noise.prepare(2, new long[] {2, 7, m.architecture().unet().contextDim()}, null);
                Tensor sigmas = Tensor.fromFloats(new float[] {3f, 3f}, 2);
                float[] plain = unet.forward(x, t, context, null, null, null).toFloatArray();

                // ratio 0: no merge, no draw (no run generator is bound), the same bits
                float[] zero = unet.forward(x, t, context, null, null, new TransformerOptions(tome(0.0), sigmas, List.of(0, 1))).toFloatArray();
                assertThat(zero).containsExactly(plain);
                assertThatThrownBy(() -> unet.forward(x, t, context, null, null, new TransformerOptions(tome(0.5), sigmas, List.of(0, 1))))
                        .hasMessageContaining("not part of a sampling run");

                // ratio 0.5 under a run generator; count the full-resolution self-attentions on the way
                AtomicInteger fullResolution = new AtomicInteger();
                AttentionPatch.Input counting = (q, k, v, o) -> {
                    if (q.size(1) == 16 * 16) fullResolution.incrementAndGet();
                    return new AttentionPatch.QueryContextValue(q, k, v);
                };
                TransformerPatches patches = tome(0.5);
                TransformerPatches counted = new TransformerPatches(List.of(), List.of(), List.of(), List.of(counting, patches.attn1().get(0)),
                        patches.attn1Output(), List.of(), List.of(), java.util.Map.of(), java.util.Map.of());
                float[] merged;
                long[] next;
                try (DefaultGenerator run = DefaultGenerator.seeded(7)) {
                    merged = run.during(() -> unet.forward(x, t, context, null, null, new TransformerOptions(counted, sigmas, List.of(0, 1)))
                            .toFloatArray());
                    next = Tensor.randint(run.generator(), 4, 32).toLongArray();
                }
                assertThat(fullResolution.get()).isPositive();
                assertThat(RelativeL2.of(merged, plain)).isGreaterThan(1e-4);
                for (float v : merged) assertThat(Float.isFinite(v)).isTrue();
                try (TorchGenerator reference = TorchGenerator.cpu(7)) {
                    Tensor.randint(reference, 4, (long) fullResolution.get() * 8 * 8).close();
                    assertThat(next).as("one 8x8 draw per full-resolution self-attention").containsExactly(
                            Tensor.randint(reference, 4, 32).toLongArray());
                }

                // the same generator state gives the same output; another seed other merges
                try (DefaultGenerator run = DefaultGenerator.seeded(7)) {
                    assertThat(run.during(() -> unet.forward(x, t, context, null, null, new TransformerOptions(tome(0.5), sigmas, List.of(0, 1)))
                            .toFloatArray())).containsExactly(merged);
                }
                try (DefaultGenerator run = DefaultGenerator.seeded(8)) {
                    float[] other = run.during(() -> unet.forward(x, t, context, null, null, new TransformerOptions(tome(0.5), sigmas, List.of(0, 1)))
                            .toFloatArray());
                    assertThat(other).isNotEqualTo(merged);
                }
            }
        }
    }
}
