package dev.comfy4j.model.unet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.comfy4j.tensor.Tensor;

/**
 * What a ControlNet or T2I-Adapter adds to one UNet call: ComfyUI's control dict
 * {@code {'input': [...], 'middle': [...], 'output': [...]}}. Each list is consumed from its end, one entry
 * per block ({@code apply_control}): {@code input} after each input block, {@code middle} after the middle
 * block, {@code output} to each skip connection as the output blocks take them (last input block first).
 * Entries may be null (nothing for that block).
 *
 * <p>Single use: a UNet call pops the entries. The tensors belong to the scope that made them.
 */
public final class ControlResiduals {
    private static final Logger LOG = LoggerFactory.getLogger(ControlResiduals.class);

    /** The three places ComfyUI's UNet applies control. */
    public enum Block { INPUT, MIDDLE, OUTPUT }

    private final Map<Block, List<Tensor>> lists = new EnumMap<>(Block.class);

    public ControlResiduals() {
        for (Block b : Block.values()) lists.put(b, new ArrayList<>());
    }

    /** The list of {@code block} (modifiable: the control merge builds it). */
    public List<Tensor> list(Block block) {
        return lists.get(block);
    }

    /** Whether no block gets anything. */
    public boolean isEmpty() {
        for (List<Tensor> l : lists.values()) if (!l.isEmpty()) return false;
        return true;
    }

    /**
     * {@code apply_control(h, control, name)}: the last entry of {@code block}'s list is removed and, when
     * not null, added to {@code h} in place. A residual that does not broadcast to h is skipped with a
     * warning, as ComfyUI does.
     */
    public Tensor apply(Tensor h, Block block) {
        List<Tensor> l = lists.get(block);
        if (l.isEmpty()) return h;
        Tensor ctrl = l.remove(l.size() - 1);
        if (ctrl == null) return h;
        if (!broadcasts(ctrl.shape(), h.shape())) {
            LOG.warn("warning control could not be applied {} {}", java.util.Arrays.toString(h.shape()),
                    java.util.Arrays.toString(ctrl.shape()));
            return h;
        }
        return h.add_(ctrl);
    }

    private static boolean broadcasts(long[] from, long[] to) {
        if (from.length != to.length) return false;
        for (int i = 0; i < from.length; i++) if (from[i] != to[i] && from[i] != 1) return false;
        return true;
    }

    @Override
    public String toString() {
        Map<Block, Integer> sizes = new EnumMap<>(Block.class);
        lists.forEach((k, v) -> sizes.put(k, v.size()));
        return "ControlResiduals" + Collections.unmodifiableMap(sizes);
    }
}
