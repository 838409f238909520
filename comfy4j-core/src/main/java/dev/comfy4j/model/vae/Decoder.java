package dev.comfy4j.model.vae;

import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * ComfyUI's {@code Decoder} for 2-D images: conv_in, middle (resnet, attention, resnet), then per level
 * from the lowest resolution up {@code num_res_blocks + 1} resnets (plus attention where the weights have
 * it) and an upsample on every level but the last, then norm_out, SiLU and conv_out.
 */
final class Decoder {
    private final Conv2d convIn;
    private final ResnetBlock midBlock1;
    private final AttnBlock midAttn;
    private final ResnetBlock midBlock2;
    /** Levels in execution order: the lowest resolution (highest index in the keys) first. */
    private final List<Level> levels;
    private final GroupNorm normOut;
    private final Conv2d convOut;

    private record Level(List<ResnetBlock> blocks, List<AttnBlock> attentions, Upsample upsample) {}

    Decoder(VaeWeights w, String prefix) {
        convIn = w.conv(prefix + "conv_in");
        midBlock1 = w.resnet(prefix + "mid.block_1");
        midAttn = w.attention(prefix + "mid.attn_1");
        midBlock2 = w.resnet(prefix + "mid.block_2");
        int count = w.count(prefix + "up.", ".");
        if (count == 0) throw new VaeWeights.MissingVaeKeyException(prefix + "up.0.block.0.conv1.weight");
        levels = new ArrayList<>();
        for (int i = count - 1; i >= 0; i--) {
            String level = prefix + "up." + i + ".";
            int blocks = w.count(level + "block.", ".");
            List<ResnetBlock> resnets = new ArrayList<>();
            List<AttnBlock> attentions = new ArrayList<>();
            for (int j = 0; j < blocks; j++) {
                resnets.add(w.resnet(level + "block." + j));
                if (w.has(level + "attn." + j + ".q.weight")) attentions.add(w.attention(level + "attn." + j));
            }
            Upsample up = i != 0 ? w.upsample(level + "upsample.conv") : null;
            levels.add(new Level(resnets, attentions, up));
        }
        normOut = w.norm(prefix + "norm_out");
        convOut = w.conv(prefix + "conv_out");
    }

    /** Decodes {@code z} ([B, z_channels, h, w]); {@code z} stays open. */
    Tensor forward(Tensor z) {
        Tensor h = convIn.forward(z);
        h = step(h, midBlock1.forward(h));
        h = step(h, midAttn.forward(h));
        h = step(h, midBlock2.forward(h));
        for (Level level : levels) {
            for (int j = 0; j < level.blocks().size(); j++) {
                h = step(h, level.blocks().get(j).forward(h));
                if (!level.attentions().isEmpty()) h = step(h, level.attentions().get(j).forward(h));
            }
            if (level.upsample() != null) h = step(h, level.upsample().forward(h));
        }
        h = step(h, normOut.forwardSilu(h));
        return step(h, convOut.forward(h));
    }

    /** Frees the previous activation as soon as the next one exists. */
    static Tensor step(Tensor previous, Tensor next) {
        previous.close();
        return next;
    }

    int levelCount() {
        return levels.size();
    }

    long outChannels() {
        return convOut.outChannels();
    }
}
