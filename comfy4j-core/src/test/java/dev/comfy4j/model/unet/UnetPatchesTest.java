package dev.comfy4j.model.unet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.model.nn.Attention;
import dev.comfy4j.model.options.AttentionPatch;
import dev.comfy4j.model.options.BlockId;
import dev.comfy4j.model.options.BlockPatch;
import dev.comfy4j.model.options.TransformerOptions;
import dev.comfy4j.model.options.TransformerPatches;
import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Noise;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transformer options inside the UNet, on a tiny random SD1 checkpoint: the block names and transformer
 * indices the patches see, block patches that change nothing leave the output bit-identical, an attention
 * replacement that computes softmax attention itself from the projected q, k, v gives the plain output, the
 * identity attention (PAG's) changes it, and the attention input/output patches apply where ComfyUI applies them.
 */
class UnetPatchesTest {
    @TempDir
    Path dir;

    /** Records where it is called; returns h unchanged. */
    record RecordingInput(List<String> seen) implements BlockPatch.Input {
        @Override
        public Tensor apply(Tensor h, TransformerOptions options) {
            seen.add(options.block().name() + options.block().number() + ":" + h.size(2));
            return h;
        }
    }

    record RecordingOutput(List<String> seen) implements BlockPatch.Output {
        @Override
        public BlockPatch.HiddenAndSkip apply(Tensor h, Tensor skip, TransformerOptions options) {
            seen.add(options.block().name() + options.block().number());
            return new BlockPatch.HiddenAndSkip(h, skip);
        }
    }

    record RecordingAttention(List<String> seen) implements AttentionPatch.Output {
        @Override
        public Tensor apply(Tensor n, TransformerOptions options) {
            seen.add(options.block().name() + options.block().number() + "." + options.blockIndex() + " heads " + options.heads());
            return n;
        }
    }

    /** softmax(q k^T / sqrt(d)) v over the heads, computed here as ComfyUI's optimized attention does. */
    record SoftmaxAttention() implements AttentionPatch.Replace {
        @Override
        public Tensor apply(Tensor q, Tensor k, Tensor v, TransformerOptions options) {
            long b = q.size(0);
            long heads = options.heads();
            long d = options.headDim();
            Tensor qh = q.reshape(b, -1, heads, d).transpose(1, 2).reshape(b * heads, -1, d);
            Tensor kh = k.reshape(b, -1, heads, d).transpose(1, 2).reshape(b * heads, -1, d);
            Tensor vh = v.reshape(b, -1, heads, d).transpose(1, 2).reshape(b * heads, -1, d);
            return Attention.compute(qh, kh, vh).reshape(b, heads, -1, d).transpose(1, 2).reshape(b, -1, heads * d);
        }
    }

    /** Doubles the attention's output (attn2_output_patch). */
    record Doubling() implements AttentionPatch.Output {
        @Override
        public Tensor apply(Tensor n, TransformerOptions options) {
            return n.mul(2.0);
        }
    }

    @Test
    void patchesSeeComfyUisBlockNamesAndTheIdentityPatchesChangeNothing() throws Exception {
        try (TinyUnets.Opened m = TinyUnets.sd1(dir, DType.F32); TensorScope ignored = TensorScope.open()) {
            UNetModel unet = UNetModel.load(m.stateDict(), m.architecture().unetPrefix(), m.architecture().unet(),
                    WeightStorage.CAST_PER_CALL, Device.CPU);
            try (unet) {
                Tensor x = Noise.prepare(1, new long[] {2, 4, 16, 16}, null);
                Tensor t = Tensor.fromFloats(new float[] {500f, 20f}, 2);
                Tensor context = Noise.prepare(2, new long[] {2, 7, m.architecture().unet().contextDim()}, null);
                Tensor sigmas = Tensor.fromFloats(new float[] {3f, 3f}, 2);
                Tensor plain = unet.forward(x, t, context, null, false);

                List<String> inputs = new ArrayList<>();
                List<String> outputs = new ArrayList<>();
                List<String> attention = new ArrayList<>();
                TransformerPatches recording = TransformerPatches.NONE.withInputBlockAfterSkip(new RecordingInput(inputs))
                        .withOutputBlock(new RecordingOutput(outputs)).withAttn1Output(new RecordingAttention(attention));
                Tensor recorded = unet.forward(x, t, context, null, null, new TransformerOptions(recording, sigmas, List.of(0, 1)));
                assertThat(recorded.toFloatArray()).isEqualTo(plain.toFloatArray());
                int levels = m.architecture().unet().channelMult().size();
                assertThat(inputs).hasSize(1 + 3 * levels - 1).startsWith("input0:16").endsWith("input" + (3 * levels - 1) + ":" + (16 >> (levels - 1)));
                assertThat(outputs).hasSize(inputs.size()).startsWith("output0").endsWith("output" + (inputs.size() - 1));
                assertThat(attention).isNotEmpty().contains("middle0.0 heads 8").anyMatch(s -> s.startsWith("input1.0 heads 8"));

                // the replacement at ("middle", 0) computes the same attention: the same output up to rounding
                TransformerPatches softmax = TransformerPatches.NONE.withAttn1Replace(BlockId.of("middle", 0), new SoftmaxAttention());
                Tensor replaced = unet.forward(x, t, context, null, null, new TransformerOptions(softmax, sigmas, List.of(0, 1)));
                assertThat(RelativeL2.of(replaced.toFloatArray(), plain.toFloatArray())).isLessThan(1e-5);
                // PAG's identity attention at the middle block changes it
                TransformerPatches identity = TransformerPatches.NONE.withAttn1Replace(BlockId.of("middle", 0),
                        (q, k, v, o) -> v);
                Tensor perturbed = unet.forward(x, t, context, null, null, new TransformerOptions(identity, sigmas, List.of(0, 1)));
                assertThat(RelativeL2.of(perturbed.toFloatArray(), plain.toFloatArray())).isGreaterThan(1e-4);
                // a replacement keyed to another block leaves it alone (channels-last here: rounding only)
                TransformerPatches elsewhere = TransformerPatches.NONE.withAttn1Replace(BlockId.of("middle", 0).withTransformer(5),
                        (q, k, v, o) -> v);
                assertThat(RelativeL2.of(unet.forward(x, t, context, null, null, new TransformerOptions(elsewhere, sigmas, List.of(0, 1)))
                        .toFloatArray(), plain.toFloatArray())).isLessThan(1e-5);
                // doubling every cross-attention output changes the result
                Tensor doubled = unet.forward(x, t, context, null, null,
                        new TransformerOptions(TransformerPatches.NONE.withAttn2Output(new Doubling()), sigmas, List.of(0, 1)));
                assertThat(RelativeL2.of(doubled.toFloatArray(), plain.toFloatArray())).isGreaterThan(1e-4);
            }
        }
    }
}
