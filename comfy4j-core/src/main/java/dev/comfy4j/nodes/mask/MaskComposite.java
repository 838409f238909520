package dev.comfy4j.nodes.mask;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.image.ImageSupport;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;

/**
 * MaskComposite: combines source into destination at (x, y) with an arithmetic or boolean operation, clamped to 0..1.
 */
public final class MaskComposite implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("MaskComposite", "comfy_extras.nodes_mask")
                .category("mask")
                .input(Input.of("destination", "MASK").noOptions())
                .input(Input.of("source", "MASK").noOptions())
                .input(Input.of("x", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 1))
                .input(Input.of("y", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 1))
                .input(Input.combo("operation", "multiply", "add", "subtract", "and", "or", "xor").noOptions())
                .output(Output.of("MASK"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var destination = ImageSupport.tensor(in.get("destination"), "destination");
        var source = ImageSupport.tensor(in.get("source"), "source");
        long x = in.integer("x"), y = in.integer("y");
        String op = in.string("operation");
        return NodeResult.of(ImageSupport.compute(() -> {
            Tensor out = destination.reshape(-1, destination.size(-2), destination.size(-1)).clone();
            Tensor src = source.reshape(-1, source.size(-2), source.size(-1));
            long right = Math.min(x + src.size(-1), out.size(-1)), bottom = Math.min(y + src.size(-2), out.size(-2));
            Tensor srcPart = src.slice(1, 0, bottom - y, 1).slice(2, 0, right - x, 1);
            Tensor region = out.slice(1, y, bottom, 1).slice(2, x, right, 1);
            Tensor result = switch (op) {
                case "multiply" -> region.mul(srcPart);
                case "add" -> region.add(srcPart);
                case "subtract" -> region.sub(srcPart);
                case "and" -> bool(region).mul(bool(srcPart));
                case "or" -> bool(region).add(bool(srcPart)).gt(0).to(DType.F32);
                case "xor" -> bool(region).sub(bool(srcPart)).ne(0).to(DType.F32);
                default -> throw dev.comfy4j.python.PyError.valueError("unknown operation " + op);
            };
            region.copy_(result);
            return out.clamp(0.0, 1.0);
        }));
    }

    /** round().bool() as 0/1 floats. */
    private static Tensor bool(Tensor t) {
        return t.round().ne(0).to(DType.F32);
    }
}
