package dev.comfy4j.nodes.latent;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.image.ImageSupport;
import dev.comfy4j.imaging.Resample;

/**
 * LatentUpscaleBy: resize the samples by a factor, no crop.
 */
public final class LatentUpscaleBy implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("LatentUpscaleBy", "nodes")
                .displayName("Upscale Latent By")
                .category("latent")
                .input(Input.of("samples", "LATENT").noOptions())
                .input(Input.combo("upscale_method", "nearest-exact", "bilinear", "area", "bicubic", "bislerp").noOptions())
                .input(Input.of("scale_by", "FLOAT").option("default", 1.5).option("min", 0.01).option("max", 8.0).option("step", 0.01))
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var latent = Latent.from(in.get("samples"), "samples");
        var samples = latent.samples();
        double s = in.floating("scale_by");
        long w = ImageSupport.pyRound(samples.size(-1) * s), h = ImageSupport.pyRound(samples.size(-2) * s);
        var out = latent.withSamples(ImageSupport.compute(() -> Resample.commonUpscale(samples, w, h, in.string("upscale_method"), "disabled")));
        return NodeResult.of(out);
    }
}
