package dev.comfy4j.nodes.image;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;

/**
 * Canny: kornia's Canny edge detector on the grey image (RGB weighted 0.299/0.587/0.114, a single
 * channel as is); the 0/1 edges are repeated into three channels.
 */
public final class Canny implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("Canny", "comfy_extras.nodes_canny")
                .category("image/preprocessors")
                .input(Input.of("image", "IMAGE"))
                .input(Input.of("low_threshold", "FLOAT").option("default", 0.4).option("min", 0.01).option("max", 0.99).option("step", 0.01))
                .input(Input.of("high_threshold", "FLOAT").option("default", 0.8).option("min", 0.01).option("max", 0.99).option("step", 0.01))
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Tensor image = ImageSupport.tensor(in.get("image"), "image");
        double low = in.floating("low_threshold");
        double high = in.floating("high_threshold");
        if (low > high) {
            throw PyError.valueError("Invalid input thresholds. low_threshold should be smaller than the high_threshold. Got: "
                    + low + ">" + high);
        }
        if (!(low > 0 && low < 1)) throw PyError.valueError("Invalid low threshold. Should be in range (0, 1). Got: " + low);
        if (!(high > 0 && high < 1)) throw PyError.valueError("Invalid high threshold. Should be in range (0, 1). Got: " + high);
        int b = Math.toIntExact(image.size(0)), h = Math.toIntExact(image.size(1)), w = Math.toIntExact(image.size(2));
        int c = Math.toIntExact(image.size(3));
        // kornia greys three channels; with any count but 1 or 3 its suppression convolution fails.
        if (c != 1 && c != 3) {
            throw new PyError("RuntimeError", "expected input to have 1 channel, but got " + c + " channels instead");
        }
        float[] pixels = ImageSupport.computeValue(() -> image.to(DType.F32).contiguous().toFloatArray());
        int plane = h * w;
        float[] out = new float[b * plane * 3];
        for (int n = 0; n < b; n++) {
            float[] gray = grey(pixels, n, plane, c);
            float[] edges = CannyEdges.edges(gray, h, w, (float) low, (float) high);
            for (int i = 0; i < plane; i++) {
                int o = (n * plane + i) * 3;
                out[o] = out[o + 1] = out[o + 2] = edges[i];
            }
        }
        return NodeResult.of(ImageSupport.compute(() -> Tensor.fromFloats(out, b, h, w, 3)));
    }

    /** kornia's rgb_to_grayscale in float32: 0.299 r + 0.587 g + 0.114 b, summed left to right. */
    private static float[] grey(float[] pixels, int n, int plane, int c) {
        float[] gray = new float[plane];
        int base = n * plane * c;
        for (int i = 0; i < plane; i++) {
            int p = base + i * c;
            gray[i] = c == 1 ? pixels[p] : 0.299f * pixels[p] + 0.587f * pixels[p + 1] + 0.114f * pixels[p + 2];
        }
        return gray;
    }
}
