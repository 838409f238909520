package dev.comfy4j.nodes.merging;

import dev.comfy4j.model.patch.MergePatch;
import dev.comfy4j.model.sd.MergeChecks;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.nodes.FiniteFloats;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import java.util.List;

/**
 * ModelMergeSimple, ModelMergeBlocks, ModelMergeSubtract and ModelMergeAdd: {@code model1} with the
 * UNet weights of {@code model2} merged in (ComfyUI adds them as patches of strength
 * {@code 1 - ratio} over {@code model1 * ratio}; subtract {@code -m} over {@code m}; add 1 over 1).
 */
public final class ModelMerge implements Node {
    /** The four node classes. */
    public enum Kind { SIMPLE, BLOCKS, SUBTRACT, ADD }

    private final Kind kind;

    public ModelMerge(Kind kind) {
        this.kind = kind;
    }

    @Override
    public NodeSchema schema() {
        String name = switch (kind) {
            case SIMPLE -> "ModelMergeSimple";
            case BLOCKS -> "ModelMergeBlocks";
            case SUBTRACT -> "ModelMergeSubtract";
            case ADD -> "ModelMergeAdd";
        };
        NodeSchema.Builder b = NodeSchema.v1(name, "comfy_extras.nodes_model_merging")
                .category("advanced/model_merging")
                .input(Input.of("model1", "MODEL").noOptions())
                .input(Input.of("model2", "MODEL").noOptions());
        switch (kind) {
            case SIMPLE -> b.input(ratio("ratio"));
            case BLOCKS -> b.input(ratio("input")).input(ratio("middle")).input(ratio("out"));
            case SUBTRACT -> b.input(Input.floating("multiplier").defaultValue(1.0).min(-10.0).max(10.0).step(0.01));
            case ADD -> { }
        }
        return b.output("MODEL").build();
    }

    static Input ratio(String name) {
        return Input.floating(name).defaultValue(1.0).min(0.0).max(1.0).step(0.01);
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        ModelHandle model1 = in.as("model1", ModelHandle.class);
        ModelHandle model2 = in.as("model2", ModelHandle.class);
        MergeChecks.requireCompatible(model1, model2, List.of());
        MergePatch patch = switch (kind) {
            case SIMPLE -> byRatio(model2, FiniteFloats.of(in, "ratio"), List.of());
            case BLOCKS -> {
                // ComfyUI matches each weight name against the input names; the first (input) is the default.
                double input = FiniteFloats.of(in, "input");
                double middle = FiniteFloats.of(in, "middle");
                double out = FiniteFloats.of(in, "out");
                yield byRatio(model2, input, List.of(new MergePatch.Block("input", 1.0 - input, input),
                        new MergePatch.Block("middle", 1.0 - middle, middle), new MergePatch.Block("out", 1.0 - out, out)));
            }
            case SUBTRACT -> {
                double m = FiniteFloats.of(in, "multiplier");
                yield new MergePatch(model2, -m, m, List.of(), List.of());
            }
            case ADD -> new MergePatch(model2, 1.0, 1.0, List.of(), List.of());
        };
        return NodeResult.of(model1.withPatch(patch));
    }

    private static MergePatch byRatio(ModelHandle source, double ratio, List<MergePatch.Block> blocks) {
        return new MergePatch(source, 1.0 - ratio, ratio, blocks, List.of());
    }
}
