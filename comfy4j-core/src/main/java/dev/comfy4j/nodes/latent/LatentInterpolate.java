package dev.comfy4j.nodes.latent;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.image.ImageSupport;
import dev.comfy4j.tensor.Tensor;

/**
 * LatentInterpolate: lerp of the channel-vector directions, renormalised to the lerp of the norms (NaN to 0).
 */
public final class LatentInterpolate implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("LatentInterpolate", "comfy_extras.nodes_latent")
                .category("latent/advanced")
                .input(Input.of("samples1", "LATENT"))
                .input(Input.of("samples2", "LATENT"))
                .input(Input.of("ratio", "FLOAT").option("default", 1.0).option("min", 0.0).option("max", 1.0).option("step", 0.01))
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var out = Latent.from(in.get("samples1"), "samples1");
        var a = out.samples();
        var b = Latent.from(in.get("samples2"), "samples2").samples();
        double r = in.floating("ratio");
        out = out.withSamples(ImageSupport.compute(() -> {
            Tensor s2 = Latents.reshapeLatentTo(a.shape(), b, true);
            // The norms are [B,h,w] and broadcast against [B,C,h,w] from the right, as in ComfyUI.
            Tensor m1 = norm(a);
            Tensor m2 = norm(s2);
            Tensor n1 = a.div(m1).nanToNum(0, Float.MAX_VALUE, -Float.MAX_VALUE);
            Tensor n2 = s2.div(m2).nanToNum(0, Float.MAX_VALUE, -Float.MAX_VALUE);
            Tensor t = n1.mul(r).add(n2.mul(1.0 - r));
            Tensor st = t.div(norm(t)).nanToNum(0, Float.MAX_VALUE, -Float.MAX_VALUE);
            return st.mul(m1.mul(r).add(m2.mul(1.0 - r)));
        }));
        return NodeResult.of(out);
    }

    /** torch.linalg.vector_norm(x, dim=1). */
    private static Tensor norm(Tensor x) {
        return x.mul(x).sum(new long[] {1}, false).sqrt();
    }
}
