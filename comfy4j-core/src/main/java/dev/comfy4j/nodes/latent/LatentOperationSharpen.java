package dev.comfy4j.nodes.latent;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.imaging.Convolutions;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;

/**
 * LatentOperationSharpen: ImageSharpen's unsharp kernel applied to the latent divided by its
 * channel-vector length, then scaled back by that length (no clamping).
 */
public final class LatentOperationSharpen implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("LatentOperationSharpen", "comfy_extras.nodes_latent")
                .category("latent/advanced/operations")
                .experimental()
                .input(Input.of("sharpen_radius", "INT").option("default", 9).option("min", 1).option("max", 31).option("step", 1))
                .input(Input.of("sigma", "FLOAT").option("default", 1.0).option("min", 0.1).option("max", 10.0).option("step", 0.1))
                .input(Input.of("alpha", "FLOAT").option("default", 0.1).option("min", 0.0).option("max", 5.0).option("step", 0.01))
                .output(Output.of("LATENT_OPERATION"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        int radius = (int) in.integer("sharpen_radius");
        double sigma = in.floating("sigma"), alpha = in.floating("alpha");
        LatentOperation op = latent -> sharpen(latent, radius, sigma, alpha);
        return NodeResult.of(op);
    }

    static Tensor sharpen(Tensor latent, int radius, double sigma, double alpha) {
        Tensor luminance = LatentOperationTonemapReinhard.channelNorm(latent).add(1e-6).unsqueeze(1);
        Tensor normalized = latent.div(luminance);
        long channels = latent.size(1);
        int size = 2 * radius + 1;
        Tensor kernel = Convolutions.gaussian(size, sigma).mul(alpha * -10);
        Tensor centre = kernel.select(0, size / 2).select(0, size / 2);
        centre.copy_(centre.sub(kernel.sum()).add(1.0));
        Tensor weights = kernel.repeat(channels, 1, 1).unsqueeze(1);
        // Reflect padding, then a zero-padded convolution whose border is cropped away again: only
        // the reflected values reach the result.
        Tensor padded = Functional.pad(normalized, new long[] {radius, radius, radius, radius}, "reflect");
        Tensor conv = Functional.conv2d(padded, weights, null, 1, size / 2, 1, channels);
        Tensor sharpened = conv.slice(2, radius, conv.size(2) - radius, 1).slice(3, radius, conv.size(3) - radius, 1);
        return luminance.mul(sharpened);
    }
}
