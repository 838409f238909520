package dev.comfy4j.nodes.conditioning;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import java.util.List;

/**
 * ConditioningSetAreaPercentage: restricts every entry to a rectangle given as fractions of the
 * image, stored as {@code ("percentage", height, width, y, x)}; the sampler scales it to the latent.
 */
public final class ConditioningSetAreaPercentage implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ConditioningSetAreaPercentage", "nodes")
                .displayName("Conditioning (Set Area with Percentage)")
                .category("conditioning")
                .input(Input.of("conditioning", "CONDITIONING").noOptions())
                // ComfyUI declares some of these bounds as ints (min 0, default 0): object_info shows them so.
                .input(fraction("width", 1.0))
                .input(fraction("height", 1.0))
                .input(fraction("x", 0))
                .input(fraction("y", 0))
                .input(Input.floating("strength").defaultValue(1.0).min(0.0).max(10.0).step(0.01))
                .output(Output.of("CONDITIONING"))
                .build();
    }

    private static Input fraction(String name, Object defaultValue) {
        return Input.floating(name).defaultValue(defaultValue).min(0).max(1.0).step(0.01);
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Conditioning c = Conditioning.from(in.get("conditioning"), "conditioning");
        // Floats, as ComfyUI's validation makes every FLOAT input.
        List<Object> area = List.of("percentage", in.floating("height"), in.floating("width"), in.floating("y"), in.floating("x"));
        return NodeResult.of(c.withValues(Options.of(
                Conditioning.AREA, area,
                Conditioning.STRENGTH, in.floating("strength"),
                Conditioning.SET_AREA_TO_BOUNDS, false)));
    }
}
