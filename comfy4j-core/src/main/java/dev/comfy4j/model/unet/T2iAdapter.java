package dev.comfy4j.model.unet;

import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.UnetConfig;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ComfyUI's T2I-Adapters for SD1.x/SD2.x ({@code t2i_adapter.adapter.Adapter} with {@code xl=False} and
 * {@code Adapter_light}): the hint image pixel-unshuffled by 8, then four levels of residual blocks, each
 * level halving the size (the first keeps it); each level's output is added to the UNet after the last res
 * block of the matching level (ComfyUI's {@code {"input": features[::-1]}}).
 *
 * <p>Not thread-safe. The state dict must stay open while the adapter is used.
 */
public final class T2iAdapter implements ControlNetwork {
    static final int UNSHUFFLE = 8;

    /** The two SD1.x layouts. */
    public enum Kind {
        /** {@code Adapter(cin, channels=[c, 2c, 4c, 4c], nums_rb=2, ksize, sk=True, use_conv)}: keys {@code conv_in}, {@code body.N.block1}. */
        FULL,
        /** {@code Adapter_light(cin, channels=[320, 640, 1280, 1280], nums_rb=4)}: keys {@code body.N.in_conv}, {@code body.N.body.M}. */
        LIGHT
    }

    private final WeightLoader weights;
    private final Kind kind;
    private final long[] channels;
    private final long inputChannels;
    private final Conv2d convIn;
    private final List<Level> levels = new ArrayList<>();

    /** One level of the adapter: its blocks, run in order; the output is the level's feature. */
    private interface Level {
        Tensor forward(Tensor x);
    }

    private T2iAdapter(WeightLoader w, Kind kind, long cin, long[] channels, int ksize, boolean useConv) {
        this.weights = w;
        this.kind = kind;
        this.channels = channels.clone();
        this.inputChannels = cin / (UNSHUFFLE * UNSHUFFLE);
        if (kind == Kind.FULL) {
            convIn = new Conv2d(w, "conv_in", cin, channels[0], 3, 1, 1);
            int numsRb = 2;
            for (int i = 0; i < channels.length; i++) {
                List<FullResBlock> blocks = new ArrayList<>();
                for (int j = 0; j < numsRb; j++) {
                    boolean down = i > 0 && j == 0;
                    long in = down ? channels[i - 1] : channels[i];
                    blocks.add(new FullResBlock(w, "body." + (i * numsRb + j), in, channels[i], down, ksize, useConv));
                }
                levels.add(x -> {
                    Tensor h = x;
                    for (FullResBlock b : blocks) {
                        Tensor next = b.forward(h);
                        if (h != x) h.close();
                        h = next;
                    }
                    return h;
                });
            }
        } else {
            convIn = null;
            int numsRb = 4;
            for (int i = 0; i < channels.length; i++) {
                long in = i == 0 ? cin : channels[i - 1];
                levels.add(new Extractor(w, "body." + i, in, channels[i] / 4, channels[i], numsRb, i > 0)::forward);
            }
        }
    }

    /**
     * Builds an adapter from weights in the original layout (no prefix). {@code cin} is the unshuffled
     * input width (64 per hint channel); {@code channels} the four level widths.
     */
    public static T2iAdapter load(StateDict sd, Kind kind, long cin, long[] channels, int ksize, boolean useConv, Device device) {
        WeightLoader weights = new WeightLoader(sd, "", WeightStorage.CAST_PER_CALL, device, "T2I-Adapter");
        try {
            return new T2iAdapter(weights, kind, cin, channels, ksize, useConv);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    public Kind kind() {
        return kind;
    }

    /** Channels of the hint image the adapter takes ({@code input_channels}): 3, or 1 for sketch/canny adapters. */
    public long inputChannels() {
        return inputChannels;
    }

    /**
     * The adapter's {@code input} list for the hint [B, inputChannels, H, W] (H and W multiples of 8): for each
     * level two nulls then the level's feature, reversed, so that the UNet, which takes from the end, adds
     * level 0's feature after input block 2. In the caller's scope.
     */
    public List<Tensor> forward(Tensor hint) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = pixelUnshuffle(hint.to(DType.F32), UNSHUFFLE);
            if (convIn != null) x = convIn.forward(x);
            List<Tensor> features = new ArrayList<>();
            for (Level level : levels) {
                x = level.forward(x);
                features.add(null);
                features.add(null);
                features.add(scope.keep(x));
            }
            java.util.Collections.reverse(features);
            return java.util.Collections.unmodifiableList(features);
        }
    }

    /** {@code nn.PixelUnshuffle(r)}: [B, C, H, W] -> [B, C*r*r, H/r, W/r]. */
    static Tensor pixelUnshuffle(Tensor x, int r) {
        long b = x.size(0);
        long c = x.size(1);
        long h = x.size(2) / r;
        long w = x.size(3) / r;
        return x.reshape(b, c, h, r, w, r).permute(0, 1, 3, 5, 2, 4).reshape(b, c * r * r, h, w);
    }

    /**
     * The adapter's {@code Downsample(use_conv=False)}: {@code AvgPool2d(2, 2)} with padding {@code (H % 2, W % 2)}
     * (zeros counted in the average, as torch's default {@code count_include_pad}).
     */
    static Tensor avgPool2(Tensor x) {
        long ph = x.size(2) % 2;
        long pw = x.size(3) % 2;
        Tensor p = ph == 0 && pw == 0 ? x : Functional.pad(x, new long[]{pw, pw, ph, ph}, 0.0);
        long oh = (p.size(2) - 2) / 2 + 1;
        long ow = (p.size(3) - 2) / 2 + 1;
        Tensor cut = p.narrow(2, 0, oh * 2).narrow(3, 0, ow * 2);
        return cut.reshape(x.size(0), x.size(1), oh, 2, ow, 2).mean(new long[]{3, 5}, false);
    }

    /** {@code ResnetBlock(in_c, out_c, down, ksize, sk=True, use_conv)}. */
    private static final class FullResBlock {
        private final Conv2d downConv;
        private final boolean down;
        private final Conv2d inConv;
        private final Conv2d block1;
        private final Conv2d block2;

        FullResBlock(WeightLoader w, String name, long in, long out, boolean down, int ksize, boolean useConv) {
            this.down = down;
            this.downConv = down && useConv ? new Conv2d(w, name + ".down_opt.op", in, in, 3, 2, 1) : null;
            int pad = ksize / 2;
            this.inConv = in != out ? new Conv2d(w, name + ".in_conv", in, out, ksize, 1, pad) : null;
            this.block1 = new Conv2d(w, name + ".block1", out, out, 3, 1, 1);
            this.block2 = new Conv2d(w, name + ".block2", out, out, ksize, 1, pad);
        }

        Tensor forward(Tensor x) {
            try (TensorScope scope = TensorScope.open()) {
                if (down) x = downConv != null ? downConv.forward(x) : avgPool2(x);
                if (inConv != null) x = inConv.forward(x);
                Tensor h = block2.forward(block1.forward(x).relu());
                return scope.keep(h.add_(x));
            }
        }
    }

    /** {@code extractor(in_c, inter_c, out_c, nums_rb, down)} of the light adapter. */
    private static final class Extractor {
        private final boolean down;
        private final Conv2d inConv;
        private final List<Conv2d[]> body = new ArrayList<>();
        private final Conv2d outConv;

        Extractor(WeightLoader w, String name, long in, long inter, long out, int numsRb, boolean down) {
            this.down = down;
            inConv = new Conv2d(w, name + ".in_conv", in, inter, 1, 1, 0);
            for (int i = 0; i < numsRb; i++) {
                body.add(new Conv2d[]{new Conv2d(w, name + ".body." + i + ".block1", inter, inter, 3, 1, 1),
                    new Conv2d(w, name + ".body." + i + ".block2", inter, inter, 3, 1, 1)});
            }
            outConv = new Conv2d(w, name + ".out_conv", inter, out, 1, 1, 0);
        }

        Tensor forward(Tensor x) {
            try (TensorScope scope = TensorScope.open()) {
                if (down) x = avgPool2(x);
                Tensor h = inConv.forward(x);
                for (Conv2d[] rb : body) h = rb[1].forward(rb[0].forward(h).relu()).add_(h);
                return scope.keep(outConv.forward(h));
            }
        }
    }

    @Override
    public String mismatch(UnetConfig unet) {
        List<String> diffs = new ArrayList<>();
        List<Long> widths = new ArrayList<>();
        for (int m : unet.channelMult()) widths.add((long) m * unet.modelChannels());
        List<Long> mine = Arrays.stream(channels).boxed().toList();
        ControlNetModel.compare(diffs, "level widths", mine, widths);
        List<Integer> threePerLevel = java.util.Collections.nCopies(channels.length, 2);
        ControlNetModel.compare(diffs, "res blocks per level", threePerLevel, unet.numResBlocks());
        return diffs.isEmpty() ? null : String.join(", ", diffs);
    }

    @Override
    public long byteSize() {
        return weights.ownedBytes();
    }

    @Override
    public void close() {
        weights.close();
    }
}
