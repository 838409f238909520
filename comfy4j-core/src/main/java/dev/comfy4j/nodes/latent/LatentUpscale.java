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
 * LatentUpscale: resize the samples to width/8 x height/8 (pixel sizes, at least 64; 0 keeps the aspect ratio).
 */
public final class LatentUpscale implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("LatentUpscale", "nodes")
                .displayName("Upscale Latent")
                .category("latent")
                .input(Input.of("samples", "LATENT").noOptions())
                .input(Input.combo("upscale_method", "nearest-exact", "bilinear", "area", "bicubic", "bislerp").noOptions())
                .input(Input.of("width", "INT").option("default", 512).option("min", 0).option("max", 16384).option("step", 8))
                .input(Input.of("height", "INT").option("default", 512).option("min", 0).option("max", 16384).option("step", 8))
                .input(Input.combo("crop", "disabled", "center").noOptions())
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var latent = Latent.from(in.get("samples"), "samples");
        long width = in.integer("width"), height = in.integer("height");
        if (width == 0 && height == 0) return NodeResult.of(latent);
        var samples = latent.samples();
        long lh = samples.size(-2), lw = samples.size(-1);
        if (width == 0) {
            height = Math.max(64, height);
            width = Math.max(64, ImageSupport.pyRound(lw * (double) height / lh));
        } else if (height == 0) {
            width = Math.max(64, width);
            height = Math.max(64, ImageSupport.pyRound(lh * (double) width / lw));
        } else {
            width = Math.max(64, width);
            height = Math.max(64, height);
        }
        long fw = Math.floorDiv(width, 8), fh = Math.floorDiv(height, 8);
        var out = latent.withSamples(ImageSupport.compute(() -> Resample.commonUpscale(samples, fw, fh, in.string("upscale_method"), in.string("crop"))));
        return NodeResult.of(out);
    }
}
