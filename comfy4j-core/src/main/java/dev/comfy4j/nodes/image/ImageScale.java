package dev.comfy4j.nodes.image;

import dev.comfy4j.imaging.Resample;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/**
 * ImageScale: resize to width x height (one of them 0 keeps the aspect ratio) with common_upscale.
 */
public final class ImageScale implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ImageScale", "nodes")
                .displayName("Upscale Image")
                .category("image/upscaling")
                .input(Input.of("image", "IMAGE").noOptions())
                .input(Input.combo("upscale_method", "nearest-exact", "bilinear", "area", "bicubic", "lanczos").noOptions())
                .input(Input.of("width", "INT").option("default", 512).option("min", 0).option("max", 16384).option("step", 1))
                .input(Input.of("height", "INT").option("default", 512).option("min", 0).option("max", 16384).option("step", 1))
                .input(Input.combo("crop", "disabled", "center").noOptions())
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        long width = in.integer("width"), height = in.integer("height");
        if (width == 0 && height == 0) return NodeResult.of(image);
        long h = image.size(1), w = image.size(2);
        if (width == 0) width = Math.max(1, ImageSupport.pyRound(w * (double) height / h));
        else if (height == 0) height = Math.max(1, ImageSupport.pyRound(h * (double) width / w));
        long fw = width, fh = height;
        return NodeResult.of(ImageSupport.compute(() -> Resample.image(image, fw, fh, in.string("upscale_method"), in.string("crop"))));
    }
}
