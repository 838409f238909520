package dev.comfy4j.nodes.image;

import dev.comfy4j.imaging.YCbCr;
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
 * ImageRGBToYUV: kornia's YCbCr conversion; each of Y, U (Cb) and V (Cr) comes out as a grey image
 * with the input's shape.
 */
public final class ImageRGBToYUV implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("ImageRGBToYUV", "comfy_extras.nodes_morphology")
                .category("image/batch")
                .input(Input.of("image", "IMAGE"))
                .output(Output.of("IMAGE").named("Y"))
                .output(Output.of("IMAGE").named("U"))
                .output(Output.of("IMAGE").named("V"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Tensor image = ImageSupport.tensor(in.get("image"), "image");
        YCbCr.requireThreeChannels(image);
        try (TensorScope ignored = TensorScope.open()) {
            Tensor[] ycbcr = YCbCr.fromRgb(image.select(3, 0), image.select(3, 1), image.select(3, 2));
            Object[] outputs = new Object[3];
            for (int i = 0; i < 3; i++) outputs[i] = ycbcr[i].unsqueeze(3).expand(image.shape()).contiguous().escapeScope();
            return NodeResult.of(outputs);
        }
    }
}
