package dev.comfy4j.model.sd;

import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.patch.PatchableComponent;
import dev.comfy4j.python.PyError;
import java.util.Arrays;
import java.util.List;

/**
 * Checks that two components can be merged: every weight they share has the same shape, and they
 * share at least one. ComfyUI logs "WEIGHT NOT MERGED" for a mismatch and merges nothing when no key
 * is shared; both mean models of different architectures, so here they fail the node, naming both files.
 */
public final class MergeChecks {
    private MergeChecks() {}

    public static void requireCompatible(PatchableComponent into, PatchableComponent from, List<String> skipSuffixes)
            throws Exception {
        try (var a = into.manager().checkpoint(into.file()); var b = from.manager().checkpoint(from.file());
                StateDict target = into.weightsView(a.model().stateDict());
                StateDict source = from.weightsView(b.model().stateDict())) {
            check(into, from, target, source, skipSuffixes);
        }
    }

    private static void check(PatchableComponent into, PatchableComponent from, StateDict target, StateDict source,
                              List<String> skipSuffixes) {
        int shared = 0;
        for (String key : source.keys()) {
            if (!key.startsWith(from.prefix())) continue;
            String name = key.substring(from.prefix().length());
            if (skipSuffixes.stream().anyMatch(name::endsWith) || !target.contains(into.prefix() + name)) continue;
            long[] want = target.get(into.prefix() + name).shape();
            long[] got = source.get(key).shape();
            if (!Arrays.equals(want, got)) {
                throw new PyError("RuntimeError", "ERROR: cannot merge " + from.file().getFileName() + " into "
                        + into.file().getFileName() + ": " + name + " is " + Arrays.toString(got) + " in one and "
                        + Arrays.toString(want) + " in the other (models of different architectures)");
            }
            shared++;
        }
        if (shared == 0) {
            throw new PyError("RuntimeError", "ERROR: cannot merge " + from.file().getFileName() + " into "
                    + into.file().getFileName() + ": they share no weight (models of different architectures)");
        }
    }
}
