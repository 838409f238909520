package dev.comfy4j.model.unet;

import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.UnetConfig;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;

/**
 * ComfyUI's {@code cldm.ControlNet} for SD1.x/SD2.x: a copy of the UNet's encoder (time embedding, input
 * blocks, middle block) whose first block also receives the hint image through the input hint block (eight
 * 3x3 convolutions, three of stride 2, so 8x smaller), and a 1x1 "zero" convolution after each input block
 * and after the middle block. Its outputs are what the UNet adds to its skip connections and middle block.
 *
 * <p>Weights under a key prefix ({@code control_model.} or none), in the original layout; diffusers files are
 * renamed to it before loading ({@code model.control.ControlNetFiles}). Computes in float32 as the UNet does.
 * The state dict must stay open while the model is used. Not thread-safe.
 */
public final class ControlNetModel implements ControlNetwork {
    /** ComfyUI runs the control model without the MODEL's transformer options: no attention patches here. */
    private static final java.util.function.Supplier<dev.comfy4j.model.options.TransformerOptions> NO_OPTIONS = () -> null;

    /** Output widths of the input hint block's convolutions, the last one being the model's width. */
    private static final long[] HINT_WIDTHS = {16, 16, 32, 32, 96, 96, 256};

    private final UnetConfig config;
    private final WeightLoader weights;
    private final long modelChannels;
    private final Linear timeEmbed0;
    private final Linear timeEmbed2;
    private final List<Conv2d> hintBlock = new ArrayList<>();
    private final List<List<UnetLayer>> inputBlocks = new ArrayList<>();
    private final List<Conv2d> zeroConvs = new ArrayList<>();
    private final List<UnetLayer> middleBlock = new ArrayList<>();
    private final Conv2d middleOut;

    /** The zero-conv outputs, one per input block in order, and the middle block's. */
    public record Outputs(List<Tensor> output, Tensor middle) {}

    private ControlNetModel(WeightLoader w, UnetConfig c, long hintChannels, AttentionHeads heads) {
        if (c.temporal()) throw new IllegalArgumentException("video ControlNets (temporal layers) are not supported");
        if (c.contextDim() == null) throw new IllegalArgumentException("the ControlNet has no cross-attention context width");
        if (c.admInChannels() != null) {
            throw new IllegalArgumentException("ControlNets with a label embedding (SDXL) are not supported: comfy4j samples SD1.x/SD2.x");
        }
        this.config = c;
        this.weights = w;
        long mc = c.modelChannels();
        this.modelChannels = mc;
        long embDim = mc * 4;
        long ctx = c.contextDim();
        boolean linear = c.useLinearInTransformer();
        timeEmbed0 = new Linear(w, "time_embed.0", mc, embDim, true);
        timeEmbed2 = new Linear(w, "time_embed.2", embDim, embDim, true);

        long in = hintChannels;
        for (int i = 0; i <= HINT_WIDTHS.length; i++) {
            long out = i < HINT_WIDTHS.length ? HINT_WIDTHS[i] : mc;
            long stride = i == 2 || i == 4 || i == 6 ? 2 : 1;
            hintBlock.add(new Conv2d(w, "input_hint_block." + (2 * i), in, out, 3, stride, 1));
            in = out;
        }

        // The input blocks exactly as UNetModel builds them, each followed by its zero conv.
        InputBlocks encoder = InputBlocks.build(w, c, heads, embDim, linear, NO_OPTIONS);
        inputBlocks.addAll(encoder.blocks());
        for (int i = 0; i < encoder.channels().size(); i++) zeroConvs.add(zeroConv(w, i, encoder.channels().get(i)));
        long ch = encoder.lastChannels();
        middleBlock.add(new ResBlock(w, "middle_block.0", ch, ch, embDim));
        if (c.transformerDepthMiddle() >= 0) {
            middleBlock.add(new SpatialTransformer(w, "middle_block.1", ch, heads.heads(ch), heads.headDim(ch),
                    c.transformerDepthMiddle(), ctx, linear, NO_OPTIONS));
            middleBlock.add(new ResBlock(w, "middle_block.2", ch, ch, embDim));
        }
        middleOut = new Conv2d(w, "middle_block_out.0", ch, ch, 1, 1, 0);
    }

    private static Conv2d zeroConv(WeightLoader w, int index, long channels) {
        return new Conv2d(w, "zero_convs." + index + ".0", channels, channels, 1, 1, 0);
    }

    /**
     * Builds the ControlNet whose weights are under {@code prefix} in {@code sd}, for the UNet
     * configuration its weights describe, with {@code hintChannels} hint channels (3 for images).
     */
    public static ControlNetModel load(StateDict sd, String prefix, UnetConfig config, long hintChannels, WeightStorage storage,
            Device device) {
        WeightLoader weights = new WeightLoader(sd, prefix, storage, device, "ControlNet");
        try {
            return new ControlNetModel(weights, config, hintChannels, AttentionHeads.forConfig(config));
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    public UnetConfig config() {
        return config;
    }

    /**
     * The control outputs for {@code x} (the UNet's scaled input [B, C, H, W]), {@code hint} [1 or B, hint
     * channels, 8H, 8W], float {@code timesteps} [B] and {@code context} [B, L, D]; in the caller's scope.
     */
    public Outputs forward(Tensor x, Tensor hint, Tensor timesteps, Tensor context) {
        if (hint.size(2) != x.size(2) * 8 || hint.size(3) != x.size(3) * 8) {
            throw new IllegalArgumentException("the ControlNet hint must be 8 times the latent's size, got "
                    + java.util.Arrays.toString(hint.shape()) + " for " + java.util.Arrays.toString(x.shape()));
        }
        try (TensorScope scope = TensorScope.open()) {
            Tensor emb = timeEmbed2.forward(Functional.silu(timeEmbed0.forward(TimestepEmbedding.of(timesteps, modelChannels))));
            Tensor embActivated = Functional.silu(emb);
            Tensor ctx = context.to(DType.F32);
            Tensor guided = hint.to(DType.F32);
            for (int i = 0; i < hintBlock.size(); i++) {
                Tensor next = hintBlock.get(i).forward(guided);
                if (guided != hint) guided.close();
                guided = i < hintBlock.size() - 1 ? Functional.silu(next) : next;
                if (guided != next) next.close();
            }
            // Channels-last as in UNetModel (oneDNN's faster layout), except when a level reaches 1x1.
            Tensor h = deepestArea(x.size(2), x.size(3)) > 1 ? x.to(DType.F32).contiguousChannelsLast() : x.to(DType.F32);
            List<Tensor> outputs = new ArrayList<>();
            for (int i = 0; i < inputBlocks.size(); i++) {
                Tensor next = run(inputBlocks.get(i), h, embActivated, ctx);
                if (h != x) h.close();
                h = next;
                if (guided != null) {
                    h.add_(guided);
                    guided.close();
                    guided = null;
                }
                outputs.add(scope.keep(zeroConvs.get(i).forward(h)));
            }
            Tensor mid = run(middleBlock, h, embActivated, ctx);
            h.close();
            Tensor middle = scope.keep(middleOut.forward(mid));
            return new Outputs(List.copyOf(outputs), middle);
        }
    }

    private long deepestArea(long height, long width) {
        for (int level = 1; level < config.channelMult().size(); level++) {
            height = (height + 1) / 2;
            width = (width + 1) / 2;
        }
        return height * width;
    }

    private static Tensor run(List<UnetLayer> block, Tensor x, Tensor emb, Tensor context) {
        Tensor h = x;
        for (UnetLayer layer : block) {
            Tensor next = layer.forward(h, emb, context, null);
            if (h != x) h.close();
            h = next;
        }
        return h;
    }

    /** Number of tensors {@link #forward} returns in {@link Outputs#output()}: one per input block. */
    public int outputCount() {
        return inputBlocks.size();
    }

    @Override
    public String mismatch(UnetConfig unet) {
        List<String> diffs = new ArrayList<>();
        compare(diffs, "latent channels", config.inChannels(), unet.inChannels());
        compare(diffs, "base width", config.modelChannels(), unet.modelChannels());
        compare(diffs, "channel multipliers", config.channelMult(), unet.channelMult());
        compare(diffs, "res blocks per level", config.numResBlocks(), unet.numResBlocks());
        compare(diffs, "transformer depths", config.transformerDepth(), unet.transformerDepth());
        compare(diffs, "middle transformer depth", config.transformerDepthMiddle(), unet.transformerDepthMiddle());
        compare(diffs, "context width", config.contextDim(), unet.contextDim());
        return diffs.isEmpty() ? null : String.join(", ", diffs);
    }

    static void compare(List<String> diffs, String what, Object mine, Object model) {
        if (!java.util.Objects.equals(mine, model)) diffs.add(what + " " + mine + " (the model has " + model + ")");
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
