package dev.comfy4j.model.unet;

import dev.comfy4j.model.LoadedModel;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.UnetConfig;
import dev.comfy4j.model.options.BlockId;
import dev.comfy4j.model.options.BlockPatch;
import dev.comfy4j.model.options.TransformerOptions;
import dev.comfy4j.model.options.TransformerPatches;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * The LDM UNet of SD1.x and SD2.x (ComfyUI's {@code openaimodel.UNetModel} as its SD configurations
 * build it): timestep embedding, input blocks of res blocks and spatial transformers with
 * downsamplers, a middle block, output blocks that concatenate the skip connections, and the output
 * head. Computes in float32, as ComfyUI does on the CPU, or in bfloat16 when loaded so ({@code --bf16-unet}).
 *
 * <p>Weights come from a {@link StateDict} under a key prefix ({@code model.diffusion_model.}); see
 * {@link WeightStorage} for how they are held. The state dict must stay open while this model is
 * used. Not thread-safe: one forward at a time (libtorch parallelises each op).
 */
public final class UNetModel implements LoadedModel {
    private final UnetConfig config;
    private final WeightLoader weights;
    private final Device device;
    private final DType computeDtype;
    private final long modelChannels;
    private final Linear timeEmbed0;
    private final Linear timeEmbed2;
    private final Linear labelEmbed0;
    private final Linear labelEmbed2;
    private final List<List<UnetLayer>> inputBlocks = new ArrayList<>();
    private final List<UnetLayer> middleBlock = new ArrayList<>();
    private final List<List<UnetLayer>> outputBlocks = new ArrayList<>();
    private final GroupNorm outNorm;
    private final Conv2d outConv;
    /** The options of the forward in progress (null outside one): the transformers read them. */
    private TransformerOptions options;

    private UNetModel(WeightLoader w, UnetConfig c, AttentionHeads heads, Device device) {
        if (c.temporal()) throw new IllegalArgumentException("video UNets (temporal layers) are not supported");
        if (c.contextDim() == null) throw new IllegalArgumentException("the UNet has no cross-attention context width");
        this.config = c;
        this.device = device;
        this.weights = w;
        this.computeDtype = w.computeDtype();
        long mc = c.modelChannels();
        this.modelChannels = mc;
        long embDim = mc * 4;
        long ctx = c.contextDim();
        boolean linear = c.useLinearInTransformer();
        timeEmbed0 = new Linear(w, "time_embed.0", mc, embDim, true);
        timeEmbed2 = new Linear(w, "time_embed.2", embDim, embDim, true);
        if (c.admInChannels() != null) {
            labelEmbed0 = new Linear(w, "label_emb.0.0", c.admInChannels(), embDim, true);
            labelEmbed2 = new Linear(w, "label_emb.0.2", embDim, embDim, true);
        } else {
            labelEmbed0 = labelEmbed2 = null;
        }

        InputBlocks encoder = InputBlocks.build(w, c, heads, embDim, linear, () -> options);
        inputBlocks.addAll(encoder.blocks());
        Deque<Long> skipChannels = new ArrayDeque<>();
        encoder.channels().forEach(skipChannels::push);
        long ch = encoder.lastChannels();

        if (c.transformerDepthMiddle() >= -1) {
            middleBlock.add(new ResBlock(w, "middle_block.0", ch, ch, embDim));
            if (c.transformerDepthMiddle() >= 0) {
                middleBlock.add(new SpatialTransformer(w, "middle_block.1", ch, heads.heads(ch), heads.headDim(ch),
                        c.transformerDepthMiddle(), ctx, linear, () -> options));
                middleBlock.add(new ResBlock(w, "middle_block.2", ch, ch, embDim));
            }
        }

        int levels = c.channelMult().size();
        // transformer_depth_output lists the output blocks last to first (ComfyUI pops from its end).
        List<Integer> outputDepths = new ArrayList<>(c.transformerDepthOutput());
        for (int level = levels - 1; level >= 0; level--) {
            int n = c.numResBlocks().get(level);
            for (int i = 0; i <= n; i++) {
                String name = "output_blocks." + outputBlocks.size();
                long skip = skipChannels.pop();
                long out = mc * c.channelMult().get(level);
                List<UnetLayer> layers = new ArrayList<>();
                layers.add(new ResBlock(w, name + ".0", ch + skip, out, embDim));
                ch = out;
                int depth = outputDepths.isEmpty() ? 0 : outputDepths.removeLast();
                if (depth > 0) {
                    layers.add(new SpatialTransformer(w, name + ".1", ch, heads.heads(ch), heads.headDim(ch), depth, ctx, linear,
                            () -> options));
                }
                if (level > 0 && i == n) layers.add(new Upsample(w, name + "." + layers.size(), ch));
                outputBlocks.add(layers);
            }
        }
        outNorm = new GroupNorm(w, "out.0", ch, 1e-5);
        outConv = new Conv2d(w, "out.2", mc, c.outChannels(), 3, 1, 1);
    }

    /**
     * Builds the UNet whose weights are under {@code prefix} in {@code sd}, with ComfyUI's head split
     * for the configuration, on {@code device}.
     */
    public static UNetModel load(StateDict sd, String prefix, UnetConfig config, WeightStorage storage, Device device) {
        return load(sd, prefix, config, AttentionHeads.forConfig(config), storage, device);
    }

    public static UNetModel load(StateDict sd, String prefix, UnetConfig config, AttentionHeads heads, WeightStorage storage,
            Device device) {
        return load(sd, prefix, config, heads, storage, DType.F32, device);
    }

    /**
     * As {@link #load(StateDict, String, UnetConfig, WeightStorage, Device)}, computing in {@code computeDtype}:
     * float32 (ComfyUI's choice on the CPU, what the goldens check) or bfloat16 (weights and activations;
     * norms keep float32 affine weights and statistics), about twice as fast on CPUs with AVX-512 BF16 or AMX.
     * Inputs and the result stay float32.
     */
    public static UNetModel load(StateDict sd, String prefix, UnetConfig config, AttentionHeads heads, WeightStorage storage,
            DType computeDtype, Device device) {
        WeightLoader weights = new WeightLoader(sd, prefix, storage, computeDtype, device, "UNet");
        try {
            return new UNetModel(weights, config, heads, device);
        } catch (RuntimeException e) {
            weights.close(); // a missing or misshapen weight: free what was converted so far
            throw e;
        }
    }

    public UnetConfig config() {
        return config;
    }

    public Device device() {
        return device;
    }

    /** The dtype weights and activations are computed in. */
    public DType computeDtype() {
        return computeDtype;
    }

    /**
     * The model output (eps or v) for features {@code x} [B, C, H, W], float {@code timesteps} [B] and
     * {@code context} [B, L, contextDim]. The result has x's dtype and belongs to the caller's scope.
     */
    public Tensor forward(Tensor x, Tensor timesteps, Tensor context) {
        return forward(x, timesteps, context, null);
    }

    /** As {@link #forward(Tensor, Tensor, Tensor)}, with the extra embedding {@code y} [B, adm] of SDXL-type UNets. */
    public Tensor forward(Tensor x, Tensor timesteps, Tensor context, Tensor y) {
        return forward(x, timesteps, context, y, true);
    }

    /**
     * As {@link #forward(Tensor, Tensor, Tensor, Tensor)} with a ControlNet's or T2I-Adapter's residuals
     * (null for none) added to the blocks as ComfyUI's {@code apply_control} does (they are consumed), under
     * ComfyUI's {@code transformer_options}: block patches between the blocks, attention patches in the
     * transformers (null: none).
     */
    public Tensor forward(Tensor x, Tensor timesteps, Tensor context, Tensor y, ControlResiduals control,
            TransformerOptions transformerOptions) {
        return forward(x, timesteps, context, y, true, control, transformerOptions);
    }

    /** As {@link #forward(Tensor, Tensor, Tensor, Tensor)}; {@code channelsLast} false keeps NCHW activations (tests compare both). */
    Tensor forward(Tensor x, Tensor timesteps, Tensor context, Tensor y, boolean channelsLast) {
        return forward(x, timesteps, context, y, channelsLast, null, null);
    }

    private Tensor forward(Tensor x, Tensor timesteps, Tensor context, Tensor y, boolean channelsLast, ControlResiduals control,
            TransformerOptions opts) {
        checkInputs(x, timesteps, context, y);
        TransformerPatches patches = opts == null ? TransformerPatches.NONE : opts.patches();
        if (opts != null) opts.setOriginalShape(x.shape());
        options = opts;
        try (TensorScope scope = TensorScope.open()) {
            Tensor t = TimestepEmbedding.of(timesteps, modelChannels).to(computeDtype);
            Tensor emb = timeEmbed2.forward(Functional.silu(timeEmbed0.forward(t)));
            if (labelEmbed0 != null) emb = emb.add(labelEmbed2.forward(Functional.silu(labelEmbed0.forward(y.to(computeDtype)))));
            Tensor embActivated = Functional.silu(emb);
            Tensor ctx = context.to(computeDtype);

            // Channels-last activations: oneDNN's 3x3 convolutions run about 20% faster on them, and the
            // transformers' [B, C, H, W] <-> [B, H*W, C] reshapes become views. Not when a level gets down
            // to 1x1, where libtorch 2.10's conv2d mistakes channels-last strides (see SpatialTransformer.toNchw).
            // Input block patches may shrink a level to 1x1 (Deep Shrink), so they keep NCHW.
            boolean resized = !patches.inputBlock().isEmpty() || !patches.inputBlockAfterSkip().isEmpty();
            Tensor h = channelsLast && !resized && deepestArea(x.size(2), x.size(3)) > 1 ? x.to(computeDtype).contiguousChannelsLast() : x.to(computeDtype);
            Deque<Tensor> skips = new ArrayDeque<>();
            for (int id = 0; id < inputBlocks.size(); id++) {
                if (opts != null) opts.setBlock(BlockId.of("input", id));
                h = run(inputBlocks.get(id), h, embActivated, ctx, null);
                if (control != null) h = control.apply(h, ControlResiduals.Block.INPUT);
                for (BlockPatch.Input p : patches.inputBlock()) h = inComputeDtype(p.apply(h, opts));
                skips.push(h);
                for (BlockPatch.Input p : patches.inputBlockAfterSkip()) h = inComputeDtype(p.apply(h, opts));
            }
            if (opts != null) opts.setBlock(BlockId.of("middle", 0));
            h = run(middleBlock, h, embActivated, ctx, null);
            if (control != null) h = control.apply(h, ControlResiduals.Block.MIDDLE);
            for (int id = 0; id < outputBlocks.size(); id++) {
                List<UnetLayer> block = outputBlocks.get(id);
                if (opts != null) opts.setBlock(BlockId.of("output", id));
                Tensor skip = skips.pop();
                if (control != null) skip = control.apply(skip, ControlResiduals.Block.OUTPUT);
                for (BlockPatch.Output p : patches.outputBlock()) {
                    BlockPatch.HiddenAndSkip r = p.apply(h, skip, opts);
                    h = inComputeDtype(r.h());
                    skip = inComputeDtype(r.skip());
                }
                Tensor joined = Tensor.cat(List.of(h, skip), 1);
                h.close();
                skip.close();
                long[] outputShape = skips.isEmpty() ? null : skips.peek().shape();
                h = run(block, joined, embActivated, ctx, outputShape);
                joined.close();
            }
            Tensor out = outConv.forward(Functional.silu(outNorm.forward(h)));
            return scope.keep(out.dtype() == x.dtype() ? out : out.to(x.dtype()));
        } finally {
            options = null;
        }
    }

    /** A patch may compute in float32 (its own tensors are float32); the next layer takes the compute dtype. */
    private Tensor inComputeDtype(Tensor h) {
        return h.dtype() == computeDtype ? h : h.to(computeDtype);
    }

    /** Pixels per feature map at the deepest level: each downsampler (3x3, stride 2, pad 1) halves a side, rounding up. */
    private long deepestArea(long height, long width) {
        for (int level = 1; level < config.channelMult().size(); level++) {
            height = (height + 1) / 2;
            width = (width + 1) / 2;
        }
        return height * width;
    }

    /** Runs a block's layers, closing each intermediate result as soon as the next layer has used it. */
    private static Tensor run(List<UnetLayer> block, Tensor x, Tensor emb, Tensor context, long[] outputShape) {
        Tensor h = x;
        for (UnetLayer layer : block) {
            Tensor next = layer.forward(h, emb, context, outputShape);
            if (h != x) h.close();
            h = next;
        }
        return h;
    }

    private void checkInputs(Tensor x, Tensor timesteps, Tensor context, Tensor y) {
        long[] xs = x.shape();
        if (xs.length != 4 || xs[1] != config.inChannels()) {
            throw new IllegalArgumentException("the UNet takes latents of shape [B, " + config.inChannels()
                    + ", H, W], got " + Arrays.toString(xs));
        }
        long b = xs[0];
        long[] cs = context.shape();
        if (cs.length != 3 || cs[0] != b || cs[2] != config.contextDim()) {
            throw new IllegalArgumentException("the UNet takes a context of shape [" + b + ", L, " + config.contextDim()
                    + "], got " + Arrays.toString(cs));
        }
        if (timesteps.dim() != 1 || timesteps.size(0) != b) {
            throw new IllegalArgumentException("the UNet takes one timestep per batch entry (" + b + "), got "
                    + Arrays.toString(timesteps.shape()));
        }
        if ((config.admInChannels() != null) != (y != null)) {
            throw new IllegalArgumentException(config.admInChannels() != null
                    ? "this UNet needs the extra embedding y of width " + config.admInChannels() : "this UNet takes no extra embedding y");
        }
    }

    /** Bytes of the weight copies this model holds (0 when it computes from the memory-mapped file). */
    @Override
    public long byteSize() {
        return weights.ownedBytes();
    }

    @Override
    public void close() {
        weights.close();
    }
}
