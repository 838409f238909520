package dev.comfy4j.nodes.image;

import dev.comfy4j.nodes.Hidden;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/**
 * GetImageSize: width, height and batch size, also shown as text on the node.
 */
public final class GetImageSize implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("GetImageSize", "comfy_extras.nodes_images")
                .displayName("Get Image Size")
                .category("image")
                .description("Returns width and height of the image, and passes it through unchanged.")
                .input(Input.of("image", "IMAGE").noOptions())
                .hidden("unique_id", Hidden.UNIQUE_ID)
                .output(Output.of("INT").named("width"))
                .output(Output.of("INT").named("height"))
                .output(Output.of("INT").named("batch_size"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        long w = image.size(2), h = image.size(1), b = image.size(0);
        context.progressText("width: " + w + ", height: " + h + "\n batch size: " + b);
        return NodeResult.of(w, h, b);
    }
}
