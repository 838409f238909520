package dev.comfy4j.nodes.merging;

import dev.comfy4j.model.patch.MergePatch;
import dev.comfy4j.model.sd.ClipHandle;
import dev.comfy4j.model.sd.MergeChecks;
import dev.comfy4j.nodes.FiniteFloats;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import java.util.List;

/**
 * CLIPMergeSimple, CLIPMergeSubtract and CLIPMergeAdd: {@code clip1} with the text encoder weights of
 * {@code clip2} merged in, as {@link ModelMerge} does for the UNet; {@code position_ids} and
 * {@code logit_scale} are never merged, as in ComfyUI.
 */
public final class ClipMerge implements Node {
    private static final List<String> NEVER_MERGED = List.of(".position_ids", ".logit_scale");

    /** The three node classes. */
    public enum Kind { SIMPLE, SUBTRACT, ADD }

    private final Kind kind;

    public ClipMerge(Kind kind) {
        this.kind = kind;
    }

    @Override
    public NodeSchema schema() {
        String name = switch (kind) {
            case SIMPLE -> "CLIPMergeSimple";
            case SUBTRACT -> "CLIPMergeSubtract";
            case ADD -> "CLIPMergeAdd";
        };
        NodeSchema.Builder b = NodeSchema.v1(name, "comfy_extras.nodes_model_merging")
                .category("advanced/model_merging")
                .input(Input.of("clip1", "CLIP").noOptions())
                .input(Input.of("clip2", "CLIP").noOptions());
        switch (kind) {
            case SIMPLE -> b.input(ModelMerge.ratio("ratio"));
            case SUBTRACT -> b.input(Input.floating("multiplier").defaultValue(1.0).min(-10.0).max(10.0).step(0.01));
            case ADD -> { }
        }
        return b.output("CLIP").build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        ClipHandle clip1 = in.as("clip1", ClipHandle.class);
        ClipHandle clip2 = in.as("clip2", ClipHandle.class);
        MergeChecks.requireCompatible(clip1, clip2, NEVER_MERGED);
        MergePatch patch = switch (kind) {
            case SIMPLE -> {
                double ratio = FiniteFloats.of(in, "ratio");
                yield new MergePatch(clip2, 1.0 - ratio, ratio, List.of(), NEVER_MERGED);
            }
            case SUBTRACT -> {
                double m = FiniteFloats.of(in, "multiplier");
                yield new MergePatch(clip2, -m, m, List.of(), NEVER_MERGED);
            }
            case ADD -> new MergePatch(clip2, 1.0, 1.0, List.of(), NEVER_MERGED);
        };
        return NodeResult.of(clip1.withPatch(patch));
    }
}
