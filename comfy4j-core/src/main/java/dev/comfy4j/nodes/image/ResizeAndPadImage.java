package dev.comfy4j.nodes.image;

import dev.comfy4j.imaging.Resample;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.tensor.Tensor;

/**
 * ResizeAndPadImage: scale the image to fit inside the target (aspect kept, sizes truncated like
 * Python's int()), then centre it on a white or black canvas of the target size.
 */
public final class ResizeAndPadImage implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ResizeAndPadImage", "comfy_extras.nodes_images")
                .category("image/transform")
                .input(Input.of("image", "IMAGE").noOptions())
                .input(Input.of("target_width", "INT").option("default", 512).option("min", 1).option("max", 16384).option("step", 1))
                .input(Input.of("target_height", "INT").option("default", 512).option("min", 1).option("max", 16384).option("step", 1))
                .input(Input.combo("padding_color", "white", "black").noOptions())
                .input(Input.combo("interpolation", "area", "bicubic", "nearest-exact", "bilinear", "lanczos").noOptions())
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Tensor image = ImageSupport.tensor(in.get("image"), "image");
        long targetWidth = in.integer("target_width");
        long targetHeight = in.integer("target_height");
        String interpolation = in.string("interpolation");
        double padValue = "black".equals(in.string("padding_color")) ? 0.0 : 1.0;
        long height = image.size(1), width = image.size(2);
        double scale = Math.min((double) targetWidth / width, (double) targetHeight / height);
        long newWidth = (long) (width * scale);
        long newHeight = (long) (height * scale);
        return NodeResult.of(ImageSupport.compute(() -> {
            Tensor resized = Resample.image(image, newWidth, newHeight, interpolation, "disabled");
            Tensor canvas = Tensor.full(padValue, image.dtype(), image.size(0), targetHeight, targetWidth, image.size(3));
            long top = Math.floorDiv(targetHeight - newHeight, 2);
            long left = Math.floorDiv(targetWidth - newWidth, 2);
            canvas.narrow(1, top, newHeight).narrow(2, left, newWidth).copy_(resized);
            return canvas;
        }));
    }
}
