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

/**
 * ImageYUVToRGB: each of Y, U, V is averaged over its channels, and the three planes go through
 * kornia's YCbCr to RGB conversion (clamped to 0..1).
 */
public final class ImageYUVToRGB implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("ImageYUVToRGB", "comfy_extras.nodes_morphology")
                .category("image/batch")
                .input(Input.of("Y", "IMAGE"))
                .input(Input.of("U", "IMAGE"))
                .input(Input.of("V", "IMAGE"))
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Tensor y = ImageSupport.tensor(in.get("Y"), "Y");
        Tensor u = ImageSupport.tensor(in.get("U"), "U");
        Tensor v = ImageSupport.tensor(in.get("V"), "V");
        return NodeResult.of(ImageSupport.compute(() -> {
            // torch.cat of the three means: same batch and size required, as in ComfyUI.
            Tensor planes = Tensor.cat(java.util.List.of(channelMean(y), channelMean(u), channelMean(v)), 3);
            Tensor[] rgb = YCbCr.toRgb(planes.select(3, 0), planes.select(3, 1), planes.select(3, 2));
            return Tensor.stack(java.util.List.of(rgb), 3).clamp(0, 1);
        }));
    }

    private static Tensor channelMean(Tensor image) {
        return image.mean(new long[] {3}, true);
    }
}
