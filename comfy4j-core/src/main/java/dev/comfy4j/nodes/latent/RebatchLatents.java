package dev.comfy4j.nodes.latent;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.image.ImageSupport;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RebatchLatents: a list of latent batches regrouped into batches of batch_size (a size change flushes), masks and batch_index carried.
 */
public final class RebatchLatents implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("RebatchLatents", "comfy_extras.nodes_rebatch")
                .displayName("Rebatch Latents")
                .category("latent/batch")
                .input(Input.of("latents", "LATENT"))
                .input(Input.of("batch_size", "INT").option("default", 1).option("min", 1).option("max", 4096))
                .output(Output.of("LATENT").list())
                .build();
    }

    /** Samples, masks and batch indices being gathered. */
    private record Batch(Tensor samples, Tensor masks, List<Long> indices) {}

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        List<Object> latents = in.list("latents");
        long size = ((Number) in.list("batch_size").getFirst()).longValue();
        return NodeResult.of(ImageSupport.computeValue(() -> rebatch(latents, size)));
    }

    private static List<Object> rebatch(List<Object> latents, long size) {
        List<Latent> out = new ArrayList<>();
        Batch current = null;
        long processed = 0;
        for (Object latent : latents) {
            Batch next = batch(Latent.from(latent, "latents"), processed);
            processed += next.indices.size();
            if (current == null) {
                current = next;
            } else if (next.samples.size(-1) != current.samples.size(-1) || next.samples.size(-2) != current.samples.size(-2)) {
                out.add(slice(current, 0, size));
                current = next;
            } else {
                List<Long> indices = new ArrayList<>(current.indices);
                indices.addAll(next.indices);
                current = new Batch(Tensor.cat(List.of(current.samples, next.samples), 0), Tensor.cat(List.of(current.masks, next.masks), 0), indices);
            }
            if (current.samples.size(0) > size) {
                long num = current.samples.size(0) / size;
                for (long i = 0; i < num; i++) out.add(slice(current, i * size, size));
                // ComfyUI keeps a (None, None, None) remainder when nothing is left: an empty batch.
                current = num * size < current.samples.size(0) ? rest(current, num * size) : null;
            }
        }
        if (current != null) out.add(slice(current, 0, size));
        List<Object> result = new ArrayList<>();
        for (Latent l : out) result.add(l.noiseMask().mean().item() == 1.0 ? l.withNoiseMask(null) : l);
        return result;
    }

    private static Batch batch(Latent latent, long offset) {
        Tensor samples = latent.samples();
        long[] shape = samples.shape();
        Tensor mask = latent.noiseMask() instanceof Tensor m ? m
                : Tensor.ones(DType.F32, shape[0], 1, shape[2] * 8, shape[3] * 8);
        // ComfyUI computes a resized mask here and discards it, so masks keep their size.
        if (mask.size(0) < shape[0]) mask = mask.repeat((shape[0] - 1) / mask.size(0) + 1, 1, 1, 1).narrow(0, 0, shape[0]);
        List<Long> indices = new ArrayList<>();
        List<Long> given = latent.batchIndex();
        if (given != null) indices.addAll(given);
        else for (long i = 0; i < shape[0]; i++) indices.add(i + offset);
        return new Batch(samples, mask, indices);
    }

    private static Latent slice(Batch b, long from, long size) {
        List<Long> indices = b.indices.subList((int) Math.min(from, b.indices.size()), (int) Math.min(from + size, b.indices.size()));
        return new Latent(b.samples.slice(0, from, from + size, 1), b.masks.slice(0, from, from + size, 1), indices);
    }

    private static Batch rest(Batch b, long from) {
        return new Batch(b.samples.slice(0, from, b.samples.size(0), 1), b.masks.slice(0, from, b.masks.size(0), 1),
                new ArrayList<>(b.indices.subList((int) Math.min(from, b.indices.size()), b.indices.size())));
    }
}
