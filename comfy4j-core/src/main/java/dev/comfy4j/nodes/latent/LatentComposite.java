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
 * LatentComposite: samples_from pasted into samples_to at (x/8, y/8), with linear feathering on inner borders.
 */
public final class LatentComposite implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("LatentComposite", "nodes")
                .displayName("Latent Composite")
                .category("latent")
                .input(Input.of("samples_to", "LATENT").noOptions())
                .input(Input.of("samples_from", "LATENT").noOptions())
                .input(Input.of("x", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 8))
                .input(Input.of("y", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 8))
                .input(Input.of("feather", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 8))
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var out = Latent.from(in.get("samples_to"), "samples_to");
        Tensor to = out.samples();
        Tensor from = Latent.from(in.get("samples_from"), "samples_from").samples();
        long x = Math.floorDiv(in.integer("x"), 8), y = Math.floorDiv(in.integer("y"), 8);
        long feather = Math.floorDiv(in.integer("feather"), 8);
        out = out.withSamples(ImageSupport.compute(() -> {
            Tensor s = to.clone();
            long th = to.size(2), tw = to.size(3);
            Tensor src = from.slice(2, 0, th - y, 1).slice(3, 0, tw - x, 1);
            Tensor region = s.slice(2, y, y + from.size(2), 1).slice(3, x, x + from.size(3), 1);
            if (feather == 0) {
                region.copy_(src);
                return s;
            }
            Tensor mask = Tensor.ones(src.dtype(), src.shape());
            long mh = mask.size(2), mw = mask.size(3);
            for (long t = 0; t < feather; t++) {
                double rate = (1.0 / feather) * (t + 1);
                if (y != 0) mask.slice(2, t, t + 1, 1).mul_(rate);
                if (y + src.size(2) < th) mask.slice(2, mh - 1 - t, mh - t, 1).mul_(rate);
                if (x != 0) mask.slice(3, t, t + 1, 1).mul_(rate);
                if (x + src.size(3) < tw) mask.slice(3, mw - 1 - t, mw - t, 1).mul_(rate);
            }
            Tensor reverse = Tensor.ones(mask.dtype(), mask.shape()).sub(mask);
            region.copy_(src.mul(mask).add(region.mul(reverse)));
            return s;
        }));
        return NodeResult.of(out);
    }
}
