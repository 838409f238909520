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
 * ConditioningSetArea: restricts every entry to a rectangle given in pixels. The area is stored in
 * latent units, {@code (height//8, width//8, y//8, x//8)}, with the strength and
 * {@code set_area_to_bounds = False}.
 */
public final class ConditioningSetArea implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ConditioningSetArea", "nodes")
                .displayName("Conditioning (Set Area)")
                .category("conditioning")
                .input(Input.of("conditioning", "CONDITIONING").noOptions())
                .input(pixels("width", 64, 64))
                .input(pixels("height", 64, 64))
                .input(pixels("x", 0, 0))
                .input(pixels("y", 0, 0))
                .input(Input.floating("strength").defaultValue(1.0).min(0.0).max(10.0).step(0.01))
                .output(Output.of("CONDITIONING"))
                .build();
    }

    private static Input pixels(String name, int defaultValue, int min) {
        return Input.integer(name).defaultValue(defaultValue).min(min).max(16384).step(8);
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Conditioning c = Conditioning.from(in.get("conditioning"), "conditioning");
        // Python's // floors; the widgets never go negative, but a direct call may.
        List<Long> area = List.of(Math.floorDiv(in.integer("height"), 8L), Math.floorDiv(in.integer("width"), 8L),
                Math.floorDiv(in.integer("y"), 8L), Math.floorDiv(in.integer("x"), 8L));
        return NodeResult.of(c.withValues(Options.of(
                Conditioning.AREA, area,
                Conditioning.STRENGTH, in.floating("strength"),
                Conditioning.SET_AREA_TO_BOUNDS, false)));
    }
}
