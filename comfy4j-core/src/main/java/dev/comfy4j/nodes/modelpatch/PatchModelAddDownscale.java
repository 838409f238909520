package dev.comfy4j.nodes.modelpatch;

import dev.comfy4j.imaging.Resample;
import dev.comfy4j.model.options.BlockPatch;
import dev.comfy4j.model.options.TransformerOptions;
import dev.comfy4j.nodes.FiniteFloats;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.sampling.ModelHandles;
import dev.comfy4j.sampling.ModelSampling;
import dev.comfy4j.tensor.Tensor;

/**
 * PatchModelAddDownscale, "Kohya Deep Shrink" ({@code nodes_model_downscale.py}): while the step's sigma lies
 * between the sigmas of start_percent and end_percent, the features after input block {@code block_number} are
 * scaled down by the factor (after or before that block's skip connection is taken); every output block whose
 * features differ in height from its skip connection scales them back up to it.
 */
public final class PatchModelAddDownscale implements Node {
    private static final String[] METHODS = {"bicubic", "nearest-exact", "bilinear", "area", "bislerp"};

    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("PatchModelAddDownscale", "comfy_extras.nodes_model_downscale")
                .displayName("PatchModelAddDownscale (Kohya Deep Shrink)")
                .category("model_patches/unet")
                .input(Input.of("model", "MODEL"))
                .input(Input.of("block_number", "INT").defaultValue(3).min(1).max(32).step(1))
                .input(Input.of("downscale_factor", "FLOAT").defaultValue(2.0).min(0.1).max(9.0).step(0.001))
                .input(Input.of("start_percent", "FLOAT").defaultValue(0.0).min(0.0).max(1.0).step(0.001))
                .input(Input.of("end_percent", "FLOAT").defaultValue(0.35).min(0.0).max(1.0).step(0.001))
                .input(Input.of("downscale_after_skip", "BOOLEAN").defaultValue(true))
                .input(Input.combo("downscale_method", (Object[]) METHODS))
                .input(Input.combo("upscale_method", (Object[]) METHODS))
                .output(Output.of("MODEL"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        ModelSampling sampling = new ModelHandles().modelSampling(ModelPatches.model(in));
        Downscale down = new Downscale((int) in.integer("block_number"), FiniteFloats.of(in, "downscale_factor"),
                sampling.percentToSigma(FiniteFloats.of(in, "start_percent")), sampling.percentToSigma(FiniteFloats.of(in, "end_percent")),
                in.string("downscale_method"));
        Upscale up = new Upscale(in.string("upscale_method"));
        boolean afterSkip = in.bool("downscale_after_skip");
        return ModelPatches.patched(in, o -> {
            var patches = afterSkip ? o.transformerPatches().withInputBlockAfterSkip(down) : o.transformerPatches().withInputBlock(down);
            return o.withTransformerPatches(patches.withOutputBlock(up));
        });
    }

    /** The input block patch: {@code common_upscale(h, round(W / f), round(H / f), method, "disabled")} inside the sigma window. */
    public record Downscale(int blockNumber, double factor, double sigmaStart, double sigmaEnd, String method) implements BlockPatch.Input {
        @Override
        public Tensor apply(Tensor h, TransformerOptions options) {
            if (options.block().number() != blockNumber) return h;
            double sigma = options.sigmas().select(0, 0).item();
            if (!(sigma <= sigmaStart && sigma >= sigmaEnd)) return h;
            long width = (long) Math.rint(h.size(3) * (1.0 / factor)); // Python's round: halves to even
            long height = (long) Math.rint(h.size(2) * (1.0 / factor));
            return Resample.commonUpscale(h, width, height, method, "disabled");
        }
    }

    /** The output block patch: h scaled to its skip connection's size when their heights differ. */
    public record Upscale(String method) implements BlockPatch.Output {
        @Override
        public BlockPatch.HiddenAndSkip apply(Tensor h, Tensor skip, TransformerOptions options) {
            if (h.size(2) == skip.size(2)) return new BlockPatch.HiddenAndSkip(h, skip);
            return new BlockPatch.HiddenAndSkip(Resample.commonUpscale(h, skip.size(3), skip.size(2), method, "disabled"), skip);
        }
    }
}
