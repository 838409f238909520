package dev.comfy4j.model.unet;

import dev.comfy4j.model.UnetConfig;
import dev.comfy4j.model.options.TransformerOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The input blocks of an SD UNet ({@code input_blocks.N}: the input convolution, then per level its res
 * blocks with their transformers and a downsample between levels), built as {@code UNetModel} and the
 * ControlNet (which copies them) both need them, with each block's output channels.
 *
 * @param blocks the layers of each block, in order
 * @param channels the channels each block outputs (the skip widths; the ControlNet's zero convs)
 */
record InputBlocks(List<List<UnetLayer>> blocks, List<Long> channels) {
    /** The channels the last block outputs (the middle block's width). */
    long lastChannels() {
        return channels.getLast();
    }

    static InputBlocks build(WeightLoader w, UnetConfig c, AttentionHeads heads, long embDim, boolean linear,
            Supplier<TransformerOptions> options) {
        long mc = c.modelChannels();
        long ctx = c.contextDim();
        List<List<UnetLayer>> blocks = new ArrayList<>();
        List<Long> channels = new ArrayList<>();
        Conv2d convIn = new Conv2d(w, "input_blocks.0.0", c.inChannels(), mc, 3, 1, 1);
        blocks.add(List.of((x, e, context, shape) -> convIn.forward(x)));
        channels.add(mc);
        List<Integer> depths = new ArrayList<>(c.transformerDepth());
        long ch = mc;
        int levels = c.channelMult().size();
        for (int level = 0; level < levels; level++) {
            for (int r = 0; r < c.numResBlocks().get(level); r++) {
                String name = "input_blocks." + blocks.size();
                long out = mc * c.channelMult().get(level);
                List<UnetLayer> layers = new ArrayList<>();
                layers.add(new ResBlock(w, name + ".0", ch, out, embDim));
                ch = out;
                int depth = depths.isEmpty() ? 0 : depths.removeFirst();
                if (depth > 0) {
                    layers.add(new SpatialTransformer(w, name + ".1", ch, heads.heads(ch), heads.headDim(ch), depth, ctx, linear,
                            options));
                }
                blocks.add(layers);
                channels.add(ch);
            }
            if (level != levels - 1) {
                blocks.add(List.of(new Downsample(w, "input_blocks." + blocks.size() + ".0", ch)));
                channels.add(ch);
            }
        }
        return new InputBlocks(blocks, channels);
    }
}
