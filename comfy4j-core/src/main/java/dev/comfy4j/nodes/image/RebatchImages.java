package dev.comfy4j.nodes.image;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * RebatchImages: a list of image batches regrouped into batches of batch_size.
 */
public final class RebatchImages implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("RebatchImages", "comfy_extras.nodes_rebatch")
                .displayName("Rebatch Images")
                .category("image/batch")
                .input(Input.of("images", "IMAGE"))
                .input(Input.of("batch_size", "INT").option("default", 1).option("min", 1).option("max", 4096))
                .output(Output.of("IMAGE").list())
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        List<Object> images = in.list("images");
        long size = ((Number) in.list("batch_size").getFirst()).longValue();
        List<Tensor> singles = new ArrayList<>();
        for (Object o : images) {
            Tensor t = ImageSupport.tensor(o, "images");
            for (long i = 0; i < t.size(0); i++) singles.add(t.narrow(0, i, 1));
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < singles.size(); i += (int) size) {
            List<Tensor> group = singles.subList(i, (int) Math.min(singles.size(), i + size));
            out.add(ImageSupport.compute(() -> Tensor.cat(group, 0)));
        }
        for (Tensor s : singles) s.close();
        return NodeResult.of(out);
    }
}
