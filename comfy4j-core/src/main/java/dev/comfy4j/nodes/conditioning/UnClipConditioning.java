package dev.comfy4j.nodes.conditioning;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyError;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * unCLIPConditioning: adds a CLIP vision embedding to every entry, for unCLIP models. Each entry's
 * {@code unclip_conditioning} list gets one more dict {@code {clip_vision_output, strength,
 * noise_augmentation}} (a new list; earlier ones are kept). Strength 0 returns the input unchanged.
 */
public final class UnClipConditioning implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("unCLIPConditioning", "nodes")
                .category("conditioning")
                .input(Input.of("conditioning", "CONDITIONING").noOptions())
                .input(Input.of("clip_vision_output", "CLIP_VISION_OUTPUT").noOptions())
                .input(Input.floating("strength").defaultValue(1.0).min(-10.0).max(10.0).step(0.01))
                .input(Input.floating("noise_augmentation").defaultValue(0.0).min(0.0).max(1.0).step(0.01))
                .output(Output.of("CONDITIONING"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Conditioning c = Conditioning.from(in.get("conditioning"), "conditioning");
        double strength = in.floating("strength");
        if (strength == 0) return NodeResult.of(c);
        Object vision = in.get("clip_vision_output");
        if (vision != null && !(vision instanceof ClipVisionOutput)) {
            throw PyError.typeError("clip_vision_output must be a CLIP_VISION_OUTPUT, not " + vision.getClass().getSimpleName());
        }
        Map<String, Object> adm = Collections.unmodifiableMap(Options.of(
                "clip_vision_output", vision,
                "strength", strength,
                "noise_augmentation", in.floating("noise_augmentation")));
        return NodeResult.of(c.withAppendedValues(Map.of(Conditioning.UNCLIP_CONDITIONING, List.of(adm))));
    }
}
