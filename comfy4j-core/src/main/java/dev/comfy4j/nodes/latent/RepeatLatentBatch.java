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
 * RepeatLatentBatch: the batch tiled amount times; masks of batch > 1 and batch_index follow.
 */
public final class RepeatLatentBatch implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("RepeatLatentBatch", "nodes")
                .displayName("Repeat Latent Batch")
                .category("latent/batch")
                .input(Input.of("samples", "LATENT").noOptions())
                .input(Input.of("amount", "INT").option("default", 1).option("min", 1).option("max", 64))
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var latent = Latent.from(in.get("samples"), "samples");
        var samples = latent.samples();
        long amount = in.integer("amount");
        latent = latent.withSamples(ImageSupport.compute(() -> samples.repeat(amount, 1, 1, 1)));
        if (latent.noiseMask() instanceof dev.comfy4j.tensor.Tensor masks && masks.size(0) > 1) {
            latent = latent.withNoiseMask(ImageSupport.compute(() -> masks.repeat(amount, 1, 1, 1)));
        }
        List<Long> old = latent.batchIndex();
        if (old != null) {
            long offset = old.stream().mapToLong(Long::longValue).max().orElse(0) - old.stream().mapToLong(Long::longValue).min().orElse(0) + 1;
            List<Long> indices = new ArrayList<>(old);
            for (long i = 1; i < amount; i++) for (long x : old) indices.add(x + i * offset);
            latent = latent.withBatchIndex(indices);
        }
        return NodeResult.of(latent);
    }
}
