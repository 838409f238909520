package dev.comfy4j.nodes.image;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Interpolation;
import dev.comfy4j.tensor.Tensor;

/**
 * JoinImageWithAlpha: RGBA with alpha = 1 - the mask resized bilinear to the image.
 */
public final class JoinImageWithAlpha implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("JoinImageWithAlpha", "comfy_extras.nodes_compositing")
                .displayName("Join Image with Alpha")
                .category("mask/compositing")
                .input(Input.of("image", "IMAGE"))
                .input(Input.of("alpha", "MASK"))
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        var alpha = ImageSupport.tensor(in.get("alpha"), "alpha");
        return NodeResult.of(ImageSupport.compute(() -> {
            long batch = Math.min(image.size(0), alpha.dim() == 2 ? alpha.size(0) : alpha.size(0));
            Tensor a = Functional.interpolate(alpha.reshape(-1, 1, alpha.size(-2), alpha.size(-1)), image.size(1), image.size(2),
                    Interpolation.BILINEAR, false).squeeze(1).rsub(1.0);
            java.util.List<Tensor> out = new java.util.ArrayList<>();
            for (long i = 0; i < batch; i++) {
                out.add(Tensor.cat(java.util.List.of(image.select(0, i).narrow(2, 0, 3), a.select(0, i).unsqueeze(2)), 2));
            }
            return Tensor.stack(out, 0);
        }));
    }
}
