package dev.comfy4j.nodes.image;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;

/**
 * ImagePadForOutpaint: a grey (0.5) canvas around the image and a mask of the new area, feathered quadratically inside.
 */
public final class ImagePadForOutpaint implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ImagePadForOutpaint", "nodes")
                .displayName("Pad Image for Outpainting")
                .category("image")
                .input(Input.of("image", "IMAGE").noOptions())
                .input(Input.of("left", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 8))
                .input(Input.of("top", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 8))
                .input(Input.of("right", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 8))
                .input(Input.of("bottom", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 8))
                .input(Input.of("feathering", "INT").option("default", 40).option("min", 0).option("max", 16384).option("step", 1))
                .output(Output.of("IMAGE"))
                .output(Output.of("MASK"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var image = ImageSupport.tensor(in.get("image"), "image");
        long left = in.integer("left"), top = in.integer("top"), right = in.integer("right"), bottom = in.integer("bottom");
        long feathering = in.integer("feathering");
        long[] s = image.shape();
        long b = s[0], h = s[1], w = s[2], c = s[3];
        Tensor canvas = ImageSupport.compute(() -> {
            Tensor out = Tensor.ones(DType.F32, b, h + top + bottom, w + left + right, c).mul(0.5);
            out.slice(1, top, top + h, 1).slice(2, left, left + w, 1).copy_(image);
            return out;
        });
        float[] t = new float[(int) (h * w)];
        if (feathering > 0 && feathering * 2 < h && feathering * 2 < w) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    long dt = top != 0 ? i : h, db = bottom != 0 ? h - i : h, dl = left != 0 ? j : w, dr = right != 0 ? w - j : w;
                    long d = Math.min(Math.min(dt, db), Math.min(dl, dr));
                    if (d >= feathering) continue;
                    double v = (double) (feathering - d) / feathering;
                    t[(int) (i * w + j)] = (float) (v * v);
                }
            }
        }
        Tensor mask = ImageSupport.compute(() -> {
            Tensor m = Tensor.ones(DType.F32, h + top + bottom, w + left + right);
            m.slice(0, top, top + h, 1).slice(1, left, left + w, 1).copy_(Tensor.fromFloats(t, h, w));
            return m.unsqueeze(0);
        });
        return NodeResult.of(canvas, mask);
    }
}
