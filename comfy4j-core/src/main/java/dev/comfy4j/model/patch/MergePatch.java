package dev.comfy4j.model.patch;

import dev.comfy4j.model.StateDict;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.Arrays;
import java.util.List;

/**
 * The weights of another component merged in, as ComfyUI's merge nodes add {@code get_key_patches}
 * of the second model: for each weight both have, {@code w = w * modelStrength + patchStrength * other}
 * (ModelMergeSimple: {@code 1 - ratio, ratio}; Subtract: {@code -m, m}; Add: {@code 1, 1}). A block
 * rule whose prefix is the longest one a weight's name starts with gives that weight's strengths
 * (ModelMergeBlocks), else the default applies. Names ending in one of {@code skipSuffixes} are left
 * alone (CLIP merges skip {@code .position_ids} and {@code .logit_scale}).
 */
public record MergePatch(PatchableComponent source, double patchStrength, double modelStrength, List<Block> blocks,
                         List<String> skipSuffixes) implements WeightPatch {
    /** Strengths for the weights whose name (below the component prefix) starts with {@code prefix}. */
    public record Block(String prefix, double patchStrength, double modelStrength) {}

    public MergePatch {
        blocks = List.copyOf(blocks);
        skipSuffixes = List.copyOf(skipSuffixes);
    }

    @Override
    public String identity() {
        return "merge:" + source.weightsIdentity() + "*" + patchStrength + "/" + modelStrength + blocks + skipSuffixes;
    }

    @Override
    public void apply(PatchTarget target) throws Exception {
        String ownPrefix = target.component().prefix();
        try (var lease = source.manager().checkpoint(source.file());
                StateDict sourceBase = source.weightsView(lease.model().stateDict())) {
            StateDict sourceWeights = null;
            try {
                sourceWeights = source.patches().isEmpty() ? sourceBase : source.patches().applyTo(sourceBase, source);
                for (String key : sourceWeights.keys()) {
                    if (!key.startsWith(source.prefix())) continue;
                    String name = key.substring(source.prefix().length());
                    if (skipSuffixes.stream().anyMatch(name::endsWith)) continue;
                    String own = ownPrefix + name;
                    if (!target.base().contains(own)) continue;
                    Tensor other = sourceWeights.get(key);
                    if (!Arrays.equals(other.shape(), target.base().get(own).shape())) continue; // checked by the node
                    Block rule = ruleFor(name);
                    if (rule.modelStrength() == 1.0 && rule.patchStrength() == 0.0) continue; // keeps the shared weight
                    try (TensorScope ignored = TensorScope.open()) {
                        Tensor w = target.weight(own);
                        if (rule.modelStrength() != 1.0) w.mul_(rule.modelStrength());
                        if (rule.patchStrength() != 0.0) w.add_(other.to(DType.F32).mul(rule.patchStrength()));
                    }
                }
            } finally {
                if (sourceWeights != null && sourceWeights != sourceBase) sourceWeights.close();
            }
        }
    }

    private Block ruleFor(String name) {
        Block best = new Block("", patchStrength, modelStrength);
        for (Block b : blocks) {
            if (name.startsWith(b.prefix()) && b.prefix().length() > best.prefix().length()) best = b;
        }
        return best;
    }
}
