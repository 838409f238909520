package dev.comfy4j.nodes.latent;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.tensor.Tensor;

/**
 * LatentOperationTonemapReinhard: Reinhard tone mapping of each position's channel-vector length,
 * with the white point {@code top = (5·std + mean)·multiplier} of those lengths per sample.
 */
public final class LatentOperationTonemapReinhard implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("LatentOperationTonemapReinhard", "comfy_extras.nodes_latent")
                .category("latent/advanced/operations")
                .experimental()
                .input(Input.of("multiplier", "FLOAT").option("default", 1.0).option("min", 0.0).option("max", 100.0).option("step", 0.01))
                .output(Output.of("LATENT_OPERATION"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        double multiplier = in.floating("multiplier");
        LatentOperation op = latent -> tonemap(latent, multiplier);
        return NodeResult.of(op);
    }

    static Tensor tonemap(Tensor latent, double multiplier) {
        Tensor magnitude = channelNorm(latent).add(1e-10).unsqueeze(1);
        Tensor normalized = latent.div(magnitude);
        long[] dims = new long[magnitude.dim() - 1];
        for (int i = 0; i < dims.length; i++) dims[i] = i + 1;
        Tensor mean = magnitude.mean(dims, true);
        Tensor std = magnitude.std(dims, true, true);
        Tensor top = std.mul(5.0).add(mean).mul(multiplier);
        // Same order of float32 steps as ComfyUI: scale by 1/top, x/(x+1), scale back by top.
        Tensor scaled = magnitude.mul(Tensor.ones(top.dtype(), top.shape()).div(top));
        Tensor mapped = scaled.div(scaled.add(1.0)).mul(top);
        return normalized.mul(mapped);
    }

    /** torch.linalg.vector_norm(latent, dim=1). */
    static Tensor channelNorm(Tensor latent) {
        return latent.mul(latent).sum(new long[] {1}, false).sqrt();
    }
}
