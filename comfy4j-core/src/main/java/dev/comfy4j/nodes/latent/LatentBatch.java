package dev.comfy4j.nodes.latent;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.image.ImageSupport;
import java.util.ArrayList;
import java.util.List;

/**
 * LatentBatch: samples2 (resized, not batch-repeated) appended to samples1; batch_index lists joined.
 */
public final class LatentBatch implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("LatentBatch", "comfy_extras.nodes_latent")
                .category("latent/batch")
                .input(Input.of("samples1", "LATENT"))
                .input(Input.of("samples2", "LATENT"))
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var out = Latent.from(in.get("samples1"), "samples1");
        var second = Latent.from(in.get("samples2"), "samples2");
        var a = out.samples();
        var b = second.samples();
        out = out.withSamples(ImageSupport.compute(() ->
                dev.comfy4j.tensor.Tensor.cat(List.of(a, Latents.reshapeLatentTo(a.shape(), b, false)), 0)));
        List<Long> indices = new ArrayList<>();
        List<Long> i1 = out.batchIndex(), i2 = second.batchIndex();
        if (i1 != null) indices.addAll(i1); else for (long i = 0; i < a.size(0); i++) indices.add(i);
        if (i2 != null) indices.addAll(i2); else for (long i = 0; i < b.size(0); i++) indices.add(i);
        out = out.withBatchIndex(indices);
        return NodeResult.of(out);
    }
}
