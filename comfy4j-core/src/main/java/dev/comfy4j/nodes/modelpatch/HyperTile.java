package dev.comfy4j.nodes.modelpatch;

import dev.comfy4j.model.options.AttentionPatch;
import dev.comfy4j.model.options.TransformerOptions;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * HyperTile ({@code nodes_hypertile.py}): in the self-attentions whose width is the model's base channels
 * (times 2^d for d up to max_depth), the queries are split into nh x nw tiles of the latent grid, attended
 * as separate batch entries, and put back. The tile counts are divisors of the grid chosen with Python's
 * {@code random} seeded by a counter that starts at 1 when the node runs and grows with every choice, as
 * ComfyUI's. Only q is tiled (k and v stay whole, so the attention's reshape splits them into row bands), as in
 * ComfyUI.
 */
public final class HyperTile implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("HyperTile", "comfy_extras.nodes_hypertile")
                .category("model_patches/unet")
                .input(Input.of("model", "MODEL"))
                .input(Input.of("tile_size", "INT").defaultValue(256).min(1).max(2048))
                .input(Input.of("swap_size", "INT").defaultValue(2).min(1).max(128))
                .input(Input.of("max_depth", "INT").defaultValue(0).min(0).max(10))
                .input(Input.of("scale_depth", "BOOLEAN").defaultValue(false))
                .output(Output.of("MODEL"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        ModelHandle model = ModelPatches.model(in);
        long channels = model.architecture().unet().modelChannels();
        Set<Long> applyTo = new TreeSet<>();
        long width = channels;
        for (long d = 0; d <= in.integer("max_depth"); d++) {
            applyTo.add(width);
            width *= 2;
        }
        State state = new State();
        Tiling in1 = new Tiling(channels, List.copyOf(applyTo), Math.max(32, in.integer("tile_size")) / 8, (int) in.integer("swap_size"),
                in.bool("scale_depth"), state);
        Untiling out1 = new Untiling(state);
        return ModelPatches.patched(in, o -> o.withTransformerPatches(o.transformerPatches().withAttn1(in1).withAttn1Output(out1)));
    }

    /** The choice counter and the tiling of the attention in progress, per node run (ComfyUI's {@code self}). Compared by identity. */
    public static final class State {
        private long counter = 1;
        private long[] tiles;

        synchronized long next() {
            return counter++;
        }

        @Override
        public String toString() {
            return "HyperTileState@" + Integer.toHexString(System.identityHashCode(this));
        }
    }

    /** {@code hypertile_in}. */
    public record Tiling(long modelChannels, List<Long> applyTo, long latentTileSize, int swapSize, boolean scaleDepth, State state)
            implements AttentionPatch.Input {
        @Override
        public AttentionPatch.QueryContextValue apply(Tensor q, Tensor k, Tensor v, TransformerOptions options) {
            long c = q.size(2);
            if (!applyTo.contains(c)) return new AttentionPatch.QueryContextValue(q, k, v);
            long[] shape = options.originalShape();
            double aspect = (double) shape[shape.length - 1] / shape[shape.length - 2];
            long hw = q.size(1);
            long[] grid = hwCandidates(hw, aspect);
            long h = grid[0];
            long w = grid[1];
            long factor = scaleDepth ? 1L << (c / modelChannels - 1) : 1;
            long nh = randomDivisor(h, latentTileSize * factor, swapSize, state.next());
            long nw = randomDivisor(w, latentTileSize * factor, swapSize, state.next());
            if (nh * nw > 1) {
                long b = q.size(0);
                q = q.reshape(b, nh, h / nh, nw, w / nw, c).permute(0, 1, 3, 2, 4, 5).reshape(b * nh * nw, (h / nh) * (w / nw), c);
                state.tiles = new long[] {nh, nw, h, w};
            }
            return new AttentionPatch.QueryContextValue(q, k, v);
        }
    }

    /** {@code hypertile_out}: the tiles back into the grid. */
    public record Untiling(State state) implements AttentionPatch.Output {
        @Override
        public Tensor apply(Tensor out, TransformerOptions options) {
            long[] t = state.tiles;
            if (t == null) return out;
            state.tiles = null;
            long nh = t[0];
            long nw = t[1];
            long h = t[2];
            long w = t[3];
            long c = out.size(2);
            long b = out.size(0) / (nh * nw);
            return out.reshape(b, nh, nw, h / nh, w / nw, c).permute(0, 1, 3, 2, 4, 5).reshape(b, h * w, c);
        }
    }

    /** {@code random_divisor}: one of the first {@code maxOptions} quotients {@code value / d} for divisors d >= minValue. */
    static long randomDivisor(long value, long minValue, int maxOptions, long counter) {
        long min = Math.min(minValue, value);
        List<Long> ns = new ArrayList<>();
        for (long i = min; i <= value && ns.size() < maxOptions; i++) {
            if (value % i == 0) ns.add(value / i);
        }
        int idx = (int) new PythonRandom(counter).randint(0, ns.size() - 1);
        return ns.get(idx);
    }

    /** {@code find_hw_candidates}: h x w = hw with h / w near the aspect ratio (w / h of the latent). */
    static long[] hwCandidates(long hw, double aspect) {
        long h = (long) Math.rint(Math.sqrt(hw * aspect));
        long w = (long) Math.rint(Math.sqrt(hw / aspect));
        if (h * w != hw) {
            double wCandidate = (double) hw / h;
            if (wCandidate != Math.rint(wCandidate)) {
                double hCandidate = (double) hw / w;
                if (hCandidate != Math.rint(hCandidate)) return closestDivisors(hw, aspect);
                h = (long) hCandidate;
            } else {
                w = (long) wCandidate;
            }
        }
        return new long[] {h, w};
    }

    /** {@code iterative_closest_divisors}: the divisor pair (h, w) whose w / h is nearest the aspect ratio (the first of ties). */
    static long[] closestDivisors(long hw, double aspect) {
        long[] best = null;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (long i = 2; i <= hw; i++) {
            if (hw % i != 0) continue;
            double ratio = (double) (hw / i) / i;
            double d = Math.abs(ratio - aspect);
            if (d < bestDistance) {
                bestDistance = d;
                best = new long[] {i, hw / i};
            }
        }
        // Python's min() of an empty list: a grid of one token with a far-off aspect ratio
        if (best == null) throw new IllegalArgumentException("HyperTile cannot tile " + hw + " tokens at aspect ratio " + aspect);
        return best;
    }
}
