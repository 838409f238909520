package dev.comfy4j.model.vae;

import static dev.comfy4j.model.vae.Decoder.step;

import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * ComfyUI's {@code Encoder} for 2-D images: conv_in, per level {@code num_res_blocks} resnets (plus
 * attention where the weights have it) and a downsample on every level but the last, the middle
 * (resnet, attention, resnet), then norm_out, SiLU and conv_out (2 x z_channels: mean and log-variance).
 */
final class Encoder {
    private final Conv2d convIn;
    private final List<Level> levels;
    private final ResnetBlock midBlock1;
    private final AttnBlock midAttn;
    private final ResnetBlock midBlock2;
    private final GroupNorm normOut;
    private final Conv2d convOut;

    private record Level(List<ResnetBlock> blocks, List<AttnBlock> attentions, Downsample downsample) {}

    Encoder(VaeWeights w, String prefix) {
        convIn = w.conv(prefix + "conv_in");
        int count = w.count(prefix + "down.", ".");
        levels = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String level = prefix + "down." + i + ".";
            int blocks = w.count(level + "block.", ".");
            List<ResnetBlock> resnets = new ArrayList<>();
            List<AttnBlock> attentions = new ArrayList<>();
            for (int j = 0; j < blocks; j++) {
                resnets.add(w.resnet(level + "block." + j));
                if (w.has(level + "attn." + j + ".q.weight")) attentions.add(w.attention(level + "attn." + j));
            }
            Downsample down = i != count - 1 ? new Downsample(w.conv(level + "downsample.conv", 2, 0)) : null;
            levels.add(new Level(resnets, attentions, down));
        }
        midBlock1 = w.resnet(prefix + "mid.block_1");
        midAttn = w.attention(prefix + "mid.attn_1");
        midBlock2 = w.resnet(prefix + "mid.block_2");
        normOut = w.norm(prefix + "norm_out");
        convOut = w.conv(prefix + "conv_out");
    }

    /** Encodes {@code x} ([B, 3, H, W] in -1..1) to the moments; {@code x} stays open. */
    Tensor forward(Tensor x) {
        Tensor h = convIn.forward(x);
        for (Level level : levels) {
            for (int j = 0; j < level.blocks().size(); j++) {
                h = step(h, level.blocks().get(j).forward(h));
                if (!level.attentions().isEmpty()) h = step(h, level.attentions().get(j).forward(h));
            }
            if (level.downsample() != null) h = step(h, level.downsample().forward(h));
        }
        h = step(h, midBlock1.forward(h));
        h = step(h, midAttn.forward(h));
        h = step(h, midBlock2.forward(h));
        h = step(h, normOut.forwardSilu(h));
        return step(h, convOut.forward(h));
    }
}
