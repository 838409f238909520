package dev.comfy4j.nodes.image;

import dev.comfy4j.imaging.Resample;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.tensor.Tensor;

/**
 * ImageBlend: image1 * (1 - f) + mode(image1, image2) * f, clamped; image2 resized bicubic with centre crop if needed.
 */
public final class ImageBlend implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("ImageBlend", "comfy_extras.nodes_post_processing")
                .category("image/postprocessing")
                .input(Input.of("image1", "IMAGE"))
                .input(Input.of("image2", "IMAGE"))
                .input(Input.of("blend_factor", "FLOAT").option("default", 0.5).option("min", 0.0).option("max", 1.0).option("step", 0.01))
                .input(Input.combo("blend_mode", "normal", "multiply", "screen", "overlay", "soft_light", "difference"))
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image1 = ImageSupport.tensor(in.get("image1"), "image1");
        var image2 = ImageSupport.tensor(in.get("image2"), "image2");
        double f = in.floating("blend_factor");
        String mode = in.string("blend_mode");
        return NodeResult.of(ImageSupport.compute(() -> {
            Tensor[] fixed = Composite.alphaFix(image1, image2);
            Tensor a = fixed[0], b = fixed[1];
            if (!java.util.Arrays.equals(a.shape(), b.shape())) {
                b = Resample.commonUpscale(b.permute(0, 3, 1, 2), a.size(2), a.size(1), "bicubic", "center").permute(0, 2, 3, 1);
            }
            Tensor blended = switch (mode) {
                case "normal" -> b;
                case "multiply" -> a.mul(b);
                case "screen" -> a.rsub(1).mul(b.rsub(1)).rsub(1);
                case "overlay" -> Tensor.where(a.le(0.5), a.mul(2).mul(b), a.rsub(1).mul(2).mul(b.rsub(1)).rsub(1));
                case "soft_light" -> Tensor.where(b.le(0.5), a.sub(b.mul(2).rsub(1).mul(a).mul(a.rsub(1))),
                        a.add(b.mul(2).sub(1).mul(g(a).sub(a))));
                case "difference" -> a.sub(b);
                default -> throw dev.comfy4j.python.PyError.valueError("Unsupported blend mode: " + mode);
            };
            return a.mul(1 - f).add(blended.mul(f)).clamp(0, 1);
        }));
    }

    private static Tensor g(Tensor x) {
        return Tensor.where(x.le(0.25), x.mul(16).sub(12).mul(x).add(4).mul(x), x.sqrt());
    }
}
