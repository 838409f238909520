package dev.comfy4j.nodes.modelpatch;

import dev.comfy4j.model.options.BlockPatch;
import dev.comfy4j.model.options.TransformerOptions;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.nodes.FiniteFloats;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * FreeU and FreeU_V2 ({@code nodes_freelunch.py}): an output block patch. Where the decoder's features have
 * 4x or 2x the model's base channels, the first half of the backbone features is scaled by b1 or b2 (V2: by
 * {@code (b - 1) * m + 1} with m the per-sample min-max-normalised channel mean), and the skip connection's
 * lowest frequencies are scaled by s1 or s2 ({@link FourierFilter}).
 */
public final class FreeU implements Node {
    private final boolean v2;

    private FreeU(boolean v2) {
        this.v2 = v2;
    }

    public static FreeU v1() {
        return new FreeU(false);
    }

    public static FreeU v2() {
        return new FreeU(true);
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1(v2 ? "FreeU_V2" : "FreeU", "comfy_extras.nodes_freelunch")
                .category("model_patches/unet")
                .input(Input.of("model", "MODEL").noOptions())
                .input(factor("b1", v2 ? 1.3 : 1.1))
                .input(factor("b2", v2 ? 1.4 : 1.2))
                .input(factor("s1", 0.9))
                .input(factor("s2", 0.2))
                .output(Output.of("MODEL"))
                .build();
    }

    private static Input factor(String name, double defaultValue) {
        return Input.floating(name).defaultValue(defaultValue).min(0.0).max(10.0).step(0.01);
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        ModelHandle model = ModelPatches.model(in);
        Patch patch = new Patch(model.architecture().unet().modelChannels(), FiniteFloats.of(in, "b1"), FiniteFloats.of(in, "s1"),
                FiniteFloats.of(in, "b2"), FiniteFloats.of(in, "s2"), v2);
        return ModelPatches.patched(in, o -> o.withTransformerPatches(o.transformerPatches().withOutputBlock(patch)));
    }

    /** {@code output_block_patch} of FreeU (v2 false) or FreeU_V2. */
    public record Patch(long modelChannels, double b1, double s1, double b2, double s2, boolean v2) implements BlockPatch.Output {
        @Override
        public BlockPatch.HiddenAndSkip apply(Tensor h, Tensor skip, TransformerOptions options) {
            long channels = h.size(1);
            double b;
            double s;
            if (channels == modelChannels * 4) {
                b = b1;
                s = s1;
            } else if (channels == modelChannels * 2) {
                b = b2;
                s = s2;
            } else {
                return new BlockPatch.HiddenAndSkip(h, skip);
            }
            Tensor half = h.narrow(1, 0, channels / 2);
            if (v2) {
                try (TensorScope ignored = TensorScope.open()) {
                    long batch = h.size(0);
                    Tensor mean = h.mean(new long[]{1}, true);
                    Tensor max = mean.reshape(batch, -1).amax(new long[]{1}, true).reshape(batch, 1, 1, 1);
                    Tensor min = mean.reshape(batch, -1).amin(new long[]{1}, true).reshape(batch, 1, 1, 1);
                    Tensor normalised = mean.sub(min).div(max.sub(min));
                    half.mul_(normalised.mul(b - 1).add(1.0));
                }
            } else {
                half.mul_(b);
            }
            return new BlockPatch.HiddenAndSkip(h, FourierFilter.lowFrequencies(skip, s));
        }
    }
}
