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
 * LatentFromBatch: a clamped slice of the batch; noise mask and batch_index follow.
 */
public final class LatentFromBatch implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("LatentFromBatch", "nodes")
                .displayName("Latent From Batch")
                .category("latent/batch")
                .input(Input.of("samples", "LATENT").noOptions())
                .input(Input.of("batch_index", "INT").option("default", 0).option("min", 0).option("max", 63))
                .input(Input.of("length", "INT").option("default", 1).option("min", 1).option("max", 64))
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var latent = Latent.from(in.get("samples"), "samples");
        var samples = latent.samples();
        long b = samples.size(0);
        long index = Math.min(b - 1, in.integer("batch_index"));
        long length = Math.min(b - index, in.integer("length"));
        latent = latent.withSamples(ImageSupport.compute(() -> samples.slice(0, index, index + length, 1).clone()));
        if (latent.noiseMask() instanceof dev.comfy4j.tensor.Tensor masks) {
            latent = latent.withNoiseMask(ImageSupport.compute(() -> {
                if (masks.size(0) == 1) return masks.clone();
                var m = masks.size(0) < b ? Latents.repeatToBatchSize(masks, b) : masks;
                return m.slice(0, index, index + length, 1).clone();
            }));
        }
        List<Long> old = latent.batchIndex();
        List<Long> indices = new ArrayList<>();
        if (old == null) for (long i = index; i < index + length; i++) indices.add(i);
        else for (long i = index; i < Math.min(old.size(), index + length); i++) indices.add(old.get((int) i));
        latent = latent.withBatchIndex(indices);
        return NodeResult.of(latent);
    }
}
