package dev.comfy4j.model.unet;

import dev.comfy4j.model.UnetConfig;

/**
 * How a transformer's width splits into heads: a fixed number of heads (SD1: 8), or a fixed width per
 * head (SD2 and SDXL: 64), as ComfyUI's {@code supported_models} set {@code num_heads} /
 * {@code num_head_channels}.
 */
public record AttentionHeads(int numHeads, int headChannels) {
    public AttentionHeads {
        if ((numHeads > 0) == (headChannels > 0)) {
            throw new IllegalArgumentException("give either a number of heads or a head width, not both or neither");
        }
    }

    public static AttentionHeads fixedCount(int heads) {
        return new AttentionHeads(heads, -1);
    }

    public static AttentionHeads fixedWidth(int channels) {
        return new AttentionHeads(-1, channels);
    }

    /**
     * ComfyUI's choice for a detected UNet: SD1 (conv projections in the transformers) has 8 heads; SD2
     * and SDXL (linear projections) have 64-wide heads.
     */
    public static AttentionHeads forConfig(UnetConfig config) {
        return config.useLinearInTransformer() ? fixedWidth(64) : fixedCount(8);
    }

    long heads(long channels) {
        long h = numHeads > 0 ? numHeads : channels / headChannels;
        if (h <= 0 || channels % h != 0) {
            throw new IllegalArgumentException("a transformer of width " + channels + " cannot be split into heads by " + this);
        }
        return h;
    }

    long headDim(long channels) {
        return channels / heads(channels);
    }
}
