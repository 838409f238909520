package dev.comfy4j.nodes.latent;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.image.ImageSupport;
import dev.comfy4j.imaging.Resample;
import dev.comfy4j.tensor.Tensor;

/**
 * LatentBlend: samples1 * f + samples2 * (1 - f), samples2 resized bicubic with centre crop when shapes differ.
 */
public final class LatentBlend implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("LatentBlend", "nodes")
                .displayName("Latent Blend")
                .category("_for_testing")
                .input(Input.of("samples1", "LATENT").noOptions())
                .input(Input.of("samples2", "LATENT").noOptions())
                .input(Input.of("blend_factor", "FLOAT").option("default", 0.5).option("min", 0).option("max", 1).option("step", 0.01))
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var out = Latent.from(in.get("samples1"), "samples1");
        Tensor a = out.samples();
        Tensor b = Latent.from(in.get("samples2"), "samples2").samples();
        double f = in.floating("blend_factor");
        out = out.withSamples(ImageSupport.compute(() -> {
            Tensor second = java.util.Arrays.equals(a.shape(), b.shape()) ? b
                    : Resample.commonUpscale(b, a.size(3), a.size(2), "bicubic", "center");
            return a.mul(f).add(second.mul(1 - f));
        }));
        return NodeResult.of(out);
    }
}
