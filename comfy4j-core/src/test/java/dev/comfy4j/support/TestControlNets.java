package dev.comfy4j.support;

import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.UnetConfig;
import dev.comfy4j.model.patch.LoraKeyMap;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * ControlNet and T2I-Adapter weights for tests and benchmarks, built the way a ControlNet is made: a copy of
 * a UNet's encoder (time embedding, input blocks, middle block), a random input hint block, and zero
 * convolutions that are zero (a freshly made ControlNet, which changes nothing) or random. Names are the
 * original layout without prefix; {@link #withPrefix} gives the {@code control_model.} ("pth") layout and
 * {@link #toDiffusers} the diffusers one.
 */
public final class TestControlNets {
    private TestControlNets() {}

    /** The zero convolutions: zeros, or random weights and biases. */
    public enum ZeroConvs { ZERO, RANDOM }

    /** Channels after each input block of a UNet of {@code c} (what each zero conv sees). */
    public static List<Long> inputBlockChannels(UnetConfig c) {
        List<Long> out = new ArrayList<>();
        long mc = c.modelChannels();
        out.add(mc);
        long ch = mc;
        for (int level = 0; level < c.channelMult().size(); level++) {
            for (int r = 0; r < c.numResBlocks().get(level); r++) {
                ch = mc * c.channelMult().get(level);
                out.add(ch);
            }
            if (level != c.channelMult().size() - 1) out.add(ch);
        }
        return out;
    }

    /**
     * A ControlNet for the UNet under {@code unetPrefix} of {@code unet}: its encoder weights (the same tensors,
     * or copies converted to {@code dtype}), a random hint block for 3-channel hints, and the zero convs.
     */
    public static Map<String, Tensor> fromUnet(StateDict unet, String unetPrefix, UnetConfig c, ZeroConvs zero, long seed,
            DType dtype) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String k : unet.keys()) {
            if (!k.startsWith(unetPrefix)) continue;
            String rel = k.substring(unetPrefix.length());
            if (rel.startsWith("input_blocks.") || rel.startsWith("middle_block.") || rel.startsWith("time_embed.")) {
                Tensor t = unet.get(k);
                out.put(rel, t.dtype() == dtype ? t : t.to(dtype));
            }
        }
        long[] widths = {16, 16, 32, 32, 96, 96, 256, c.modelChannels()};
        long in = 3;
        for (int i = 0; i < widths.length; i++) {
            conv(out, "input_hint_block." + (2 * i), widths[i], in, 3, rng, false, dtype);
            in = widths[i];
        }
        List<Long> channels = inputBlockChannels(c);
        for (int i = 0; i < channels.size(); i++) {
            conv(out, "zero_convs." + i + ".0", channels.get(i), channels.get(i), 1, rng, zero == ZeroConvs.ZERO, dtype);
        }
        long deepest = channels.get(channels.size() - 1);
        conv(out, "middle_block_out.0", deepest, deepest, 1, rng, zero == ZeroConvs.ZERO, dtype);
        return out;
    }

    /** Random conv weights N(0, 1/fan_in) and small random biases, or zeros. */
    public static void conv(Map<String, Tensor> out, String name, long outCh, long inCh, long k, SplittableRandom rng, boolean zeros,
            DType dtype) {
        out.put(name + ".weight", random(rng, zeros ? 0 : 1.0 / Math.sqrt(inCh * k * k), dtype, outCh, inCh, k, k));
        out.put(name + ".bias", random(rng, zeros ? 0 : 0.1, dtype, outCh));
    }

    public static Tensor random(SplittableRandom rng, double scale, DType dtype, long... shape) {
        int n = 1;
        for (long s : shape) n *= (int) s;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rng.nextGaussian() * scale);
        Tensor t = Tensor.fromFloats(v, shape);
        return dtype == DType.F32 ? t : t.to(dtype);
    }

    public static Map<String, Tensor> withPrefix(Map<String, Tensor> weights, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        weights.forEach((k, v) -> out.put(prefix + k, v));
        return out;
    }

    /**
     * The diffusers layout of the same weights: {@code unet_to_diffusers} names for the encoder,
     * {@code controlnet_down_blocks.N}, {@code controlnet_mid_block}, {@code controlnet_cond_embedding.*}.
     */
    public static Map<String, Tensor> toDiffusers(Map<String, Tensor> weights, UnetConfig c) {
        Map<String, String> ldmToDiffusers = new LinkedHashMap<>();
        LoraKeyMap.DiffusersUnetKeys.map(c).forEach((diffusers, ldm) -> ldmToDiffusers.putIfAbsent(ldm, diffusers));
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            String k = e.getKey();
            String name;
            if (k.startsWith("zero_convs.")) {
                String[] p = k.split("\\.");
                name = "controlnet_down_blocks." + p[1] + "." + p[3];
            } else if (k.startsWith("middle_block_out.0.")) {
                name = "controlnet_mid_block." + k.substring("middle_block_out.0.".length());
            } else if (k.startsWith("input_hint_block.")) {
                String[] p = k.split("\\.");
                int index = Integer.parseInt(p[1]) / 2;
                String block = index == 0 ? "conv_in" : index == 7 ? "conv_out" : "blocks." + (index - 1);
                name = "controlnet_cond_embedding." + block + "." + p[2];
            } else {
                name = ldmToDiffusers.get(k);
                if (name == null) throw new IllegalArgumentException("no diffusers name for " + k);
            }
            out.put(name, e.getValue());
        }
        return out;
    }

    /** A light T2I-Adapter (Adapter_light, 3-channel hints) with random weights. */
    public static Map<String, Tensor> t2iLight(long[] channels, long seed, DType dtype) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        long in = 3 * 64;
        for (int i = 0; i < channels.length; i++) {
            long inter = channels[i] / 4;
            conv(out, "body." + i + ".in_conv", inter, in, 1, rng, false, dtype);
            for (int j = 0; j < 4; j++) {
                conv(out, "body." + i + ".body." + j + ".block1", inter, inter, 3, rng, false, dtype);
                conv(out, "body." + i + ".body." + j + ".block2", inter, inter, 3, rng, false, dtype);
            }
            conv(out, "body." + i + ".out_conv", channels[i], inter, 1, rng, false, dtype);
            in = channels[i];
        }
        return out;
    }

    /** A full T2I-Adapter (Adapter, sk=True, nums_rb=2) for {@code hintChannels}-channel hints with base width {@code channel}. */
    public static Map<String, Tensor> t2iFull(long channel, long hintChannels, int ksize, boolean useConv, long seed, DType dtype) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        long[] channels = {channel, channel * 2, channel * 4, channel * 4};
        conv(out, "conv_in", channel, hintChannels * 64, 3, rng, false, dtype);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 2; j++) {
                String name = "body." + (i * 2 + j);
                boolean down = i > 0 && j == 0;
                long in = down ? channels[i - 1] : channels[i];
                if (down && useConv) conv(out, name + ".down_opt.op", in, in, 3, rng, false, dtype);
                if (in != channels[i]) conv(out, name + ".in_conv", channels[i], in, ksize, rng, false, dtype);
                conv(out, name + ".block1", channels[i], channels[i], 3, rng, false, dtype);
                conv(out, name + ".block2", channels[i], channels[i], ksize, rng, false, dtype);
            }
        }
        return out;
    }
}
