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
import java.util.Arrays;
import java.util.List;

/**
 * ImageBatch: image2 (resized bilinear with centre crop when its size differs) appended to image1's batch.
 */
public final class ImageBatch implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ImageBatch", "nodes")
                .displayName("Batch Images")
                .category("image")
                .input(Input.of("image1", "IMAGE").noOptions())
                .input(Input.of("image2", "IMAGE").noOptions())
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var a = ImageSupport.tensor(in.get("image1"), "image1");
        var b = ImageSupport.tensor(in.get("image2"), "image2");
        return NodeResult.of(ImageSupport.compute(() -> {
            long[] sa = a.shape(), sb = b.shape();
            Tensor second = b;
            if (!Arrays.equals(Arrays.copyOfRange(sa, 1, sa.length), Arrays.copyOfRange(sb, 1, sb.length))) {
                second = Resample.image(b, sa[2], sa[1], "bilinear", "center");
            }
            return Tensor.cat(List.of(a, second), 0);
        }));
    }
}
