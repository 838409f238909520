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
        var out = Latents.copy(in.get("samples1"));
        var second = Latents.copy(in.get("samples2"));
        var a = Latents.samples(out);
        var b = Latents.samples(second);
        out.put("samples", ImageSupport.compute(() ->
                dev.comfy4j.tensor.Tensor.cat(List.of(a, Latents.reshapeLatentTo(a.shape(), b, false)), 0)));
        List<Object> indices = new ArrayList<>();
        List<Long> i1 = Latents.batchIndex(out), i2 = Latents.batchIndex(second);
        if (i1 != null) indices.addAll(i1); else for (long i = 0; i < a.size(0); i++) indices.add(i);
        if (i2 != null) indices.addAll(i2); else for (long i = 0; i < b.size(0); i++) indices.add(i);
        out.put("batch_index", indices);
        return NodeResult.of(out);
    }
}
