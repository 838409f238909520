package dev.comfy4j.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Key names and shapes of SD1.x and SDXL checkpoints in the original LDM/SGM layout, for any widths.
 * {@link #sd15(Sizes)} with {@link Sizes#SD15} gives exactly the 1131 tensors of a real SD1.5
 * checkpoint (the same keys and shapes as shared/tools/make_random_sd15.py); smaller sizes give the
 * tiny test checkpoints with the same structure.
 */
public final class SdLayouts {
    private SdLayouts() {}

    /**
     * Widths of a layout.
     *
     * @param modelChannels UNet base width (a multiple of 32: GroupNorm has 32 groups)
     * @param context cross-attention width = CLIP hidden width
     * @param clipLayers CLIP encoder layers
     * @param clipFf CLIP MLP width
     * @param vocab CLIP vocabulary (49408 in every real model; the tokenizer's ids need it)
     * @param vaeChannels VAE base width (a multiple of 32)
     */
    public record Sizes(int modelChannels, int context, int clipLayers, int clipFf, int vocab, int vaeChannels) {
        public static final Sizes SD15 = new Sizes(320, 768, 12, 3072, 49408, 128);
        public static final Sizes TINY = new Sizes(32, 32, 12, 64, 49408, 32);
    }

    /** Widths of an SDXL layout (two text encoders; the context is their concatenation). */
    public record XlSizes(int modelChannels, int clipL, int clipG, int clipLayers, int vocab, int vaeChannels) {
        public static final XlSizes SDXL = new XlSizes(320, 768, 1280, 12, 49408, 128);
        public static final XlSizes TINY = new XlSizes(32, 32, 64, 12, 49408, 32);

        int context() {
            return clipL + clipG;
        }

        int adm() {
            return clipG + 6 * 256;
        }
    }

    private static final class Shapes {
        final Map<String, long[]> map = new LinkedHashMap<>();

        void conv(String name, long out, long in, long k) {
            map.put(name + ".weight", new long[]{out, in, k, k});
            map.put(name + ".bias", new long[]{out});
        }

        void lin(String name, long out, long in, boolean bias) {
            map.put(name + ".weight", new long[]{out, in});
            if (bias) map.put(name + ".bias", new long[]{out});
        }

        void norm(String name, long c) {
            map.put(name + ".weight", new long[]{c});
            map.put(name + ".bias", new long[]{c});
        }
    }

    // ---- UNet -------------------------------------------------------------------------------

    private static void res(Shapes s, String name, long cin, long cout, long temb) {
        s.norm(name + ".in_layers.0", cin);
        s.conv(name + ".in_layers.2", cout, cin, 3);
        s.lin(name + ".emb_layers.1", cout, temb, true);
        s.norm(name + ".out_layers.0", cout);
        s.conv(name + ".out_layers.3", cout, cout, 3);
        if (cin != cout) s.conv(name + ".skip_connection", cout, cin, 1);
    }

    private static void transformer(Shapes s, String name, long c, long ctx, int depth, boolean linear) {
        s.norm(name + ".norm", c);
        if (linear) s.lin(name + ".proj_in", c, c, true);
        else s.conv(name + ".proj_in", c, c, 1);
        for (int d = 0; d < depth; d++) {
            String b = name + ".transformer_blocks." + d;
            for (String a : List.of("attn1", "attn2")) {
                long kv = a.equals("attn1") ? c : ctx;
                s.lin(b + "." + a + ".to_q", c, c, false);
                s.lin(b + "." + a + ".to_k", c, kv, false);
                s.lin(b + "." + a + ".to_v", c, kv, false);
                s.lin(b + "." + a + ".to_out.0", c, c, true);
            }
            s.lin(b + ".ff.net.0.proj", c * 8, c, true);
            s.lin(b + ".ff.net.2", c, c * 4, true);
            for (String n : List.of("norm1", "norm2", "norm3")) s.norm(b + "." + n, c);
        }
        if (linear) s.lin(name + ".proj_out", c, c, true);
        else s.conv(name + ".proj_out", c, c, 1);
    }

    /** The LDM UNet: one entry per level of {@code mult}; {@code depth[level]} transformer blocks (0 = none). */
    private static void unet(Shapes s, String p, long mc, long ctx, int[] mult, int[] depth, int middleDepth,
            boolean linear, Long adm) {
        long temb = mc * 4;
        int nrb = 2;
        s.lin(p + "time_embed.0", temb, mc, true);
        s.lin(p + "time_embed.2", temb, temb, true);
        if (adm != null) {
            s.lin(p + "label_emb.0.0", temb, adm, true);
            s.lin(p + "label_emb.0.2", temb, temb, true);
        }
        s.conv(p + "input_blocks.0.0", mc, 4, 3);
        java.util.ArrayDeque<Long> chans = new java.util.ArrayDeque<>();
        chans.push(mc);
        long ch = mc;
        int idx = 1;
        for (int lvl = 0; lvl < mult.length; lvl++) {
            for (int r = 0; r < nrb; r++) {
                res(s, p + "input_blocks." + idx + ".0", ch, mc * mult[lvl], temb);
                ch = mc * mult[lvl];
                if (depth[lvl] > 0) transformer(s, p + "input_blocks." + idx + ".1", ch, ctx, depth[lvl], linear);
                chans.push(ch);
                idx++;
            }
            if (lvl != mult.length - 1) {
                s.conv(p + "input_blocks." + idx + ".0.op", ch, ch, 3);
                chans.push(ch);
                idx++;
            }
        }
        res(s, p + "middle_block.0", ch, ch, temb);
        transformer(s, p + "middle_block.1", ch, ctx, middleDepth, linear);
        res(s, p + "middle_block.2", ch, ch, temb);
        idx = 0;
        for (int lvl = mult.length - 1; lvl >= 0; lvl--) {
            for (int i = 0; i <= nrb; i++) {
                long skip = chans.pop();
                res(s, p + "output_blocks." + idx + ".0", ch + skip, mc * mult[lvl], temb);
                ch = mc * mult[lvl];
                int sub = 1;
                if (depth[lvl] > 0) {
                    transformer(s, p + "output_blocks." + idx + ".1", ch, ctx, depth[lvl], linear);
                    sub = 2;
                }
                if (lvl > 0 && i == nrb) s.conv(p + "output_blocks." + idx + "." + sub + ".conv", ch, ch, 3);
                idx++;
            }
        }
        s.norm(p + "out.0", mc);
        s.conv(p + "out.2", 4, mc, 3);
    }

    // ---- VAE --------------------------------------------------------------------------------

    private static void vae(Shapes s, long ch) {
        String p = "first_stage_model.";
        int[] mult = {1, 2, 4, 4};
        int nrb = 2;
        long zc = 4;
        String e = p + "encoder.";
        s.conv(e + "conv_in", ch, 3, 3);
        long cin = ch;
        for (int lvl = 0; lvl < mult.length; lvl++) {
            long cout = ch * mult[lvl];
            for (int b = 0; b < nrb; b++) {
                vaeRes(s, e + "down." + lvl + ".block." + b, cin, cout);
                cin = cout;
            }
            if (lvl != mult.length - 1) s.conv(e + "down." + lvl + ".downsample.conv", cin, cin, 3);
        }
        vaeRes(s, e + "mid.block_1", cin, cin);
        vaeAttn(s, e + "mid.attn_1", cin);
        vaeRes(s, e + "mid.block_2", cin, cin);
        s.norm(e + "norm_out", cin);
        s.conv(e + "conv_out", 2 * zc, cin, 3);
        String d = p + "decoder.";
        cin = ch * mult[mult.length - 1];
        s.conv(d + "conv_in", cin, zc, 3);
        vaeRes(s, d + "mid.block_1", cin, cin);
        vaeAttn(s, d + "mid.attn_1", cin);
        vaeRes(s, d + "mid.block_2", cin, cin);
        for (int lvl = mult.length - 1; lvl >= 0; lvl--) {
            long cout = ch * mult[lvl];
            for (int b = 0; b <= nrb; b++) {
                vaeRes(s, d + "up." + lvl + ".block." + b, cin, cout);
                cin = cout;
            }
            if (lvl != 0) s.conv(d + "up." + lvl + ".upsample.conv", cin, cin, 3);
        }
        s.norm(d + "norm_out", cin);
        s.conv(d + "conv_out", 3, cin, 3);
        s.conv(p + "quant_conv", 2 * zc, 2 * zc, 1);
        s.conv(p + "post_quant_conv", zc, zc, 1);
    }

    private static void vaeRes(Shapes s, String name, long cin, long cout) {
        s.norm(name + ".norm1", cin);
        s.conv(name + ".conv1", cout, cin, 3);
        s.norm(name + ".norm2", cout);
        s.conv(name + ".conv2", cout, cout, 3);
        if (cin != cout) s.conv(name + ".nin_shortcut", cout, cin, 1);
    }

    private static void vaeAttn(Shapes s, String name, long c) {
        s.norm(name + ".norm", c);
        for (String n : List.of("q", "k", "v", "proj_out")) s.conv(name + "." + n, c, c, 1);
    }

    // ---- text encoders ----------------------------------------------------------------------

    private static void clipL(Shapes s, String p, long d, long ff, int layers, long vocab) {
        s.map.put(p + "embeddings.token_embedding.weight", new long[]{vocab, d});
        s.map.put(p + "embeddings.position_embedding.weight", new long[]{77, d});
        s.map.put(p + "embeddings.position_ids", new long[]{1, 77});
        for (int i = 0; i < layers; i++) {
            String b = p + "encoder.layers." + i + ".";
            for (String n : List.of("q_proj", "k_proj", "v_proj", "out_proj")) s.lin(b + "self_attn." + n, d, d, true);
            s.norm(b + "layer_norm1", d);
            s.norm(b + "layer_norm2", d);
            s.lin(b + "mlp.fc1", ff, d, true);
            s.lin(b + "mlp.fc2", d, ff, true);
        }
        s.norm(p + "final_layer_norm", d);
    }

    /** OpenCLIP text tower as SGM checkpoints store it ({@code conditioner.embedders.1.model.}). */
    private static void openClip(Shapes s, String p, long d, int layers, long vocab) {
        s.map.put(p + "token_embedding.weight", new long[]{vocab, d});
        s.map.put(p + "positional_embedding", new long[]{77, d});
        for (int i = 0; i < layers; i++) {
            String b = p + "transformer.resblocks." + i + ".";
            s.norm(b + "ln_1", d);
            s.map.put(b + "attn.in_proj_weight", new long[]{3 * d, d});
            s.map.put(b + "attn.in_proj_bias", new long[]{3 * d});
            s.lin(b + "attn.out_proj", d, d, true);
            s.norm(b + "ln_2", d);
            s.lin(b + "mlp.c_fc", 4 * d, d, true);
            s.lin(b + "mlp.c_proj", d, 4 * d, true);
        }
        s.norm(p + "ln_final", d);
        s.map.put(p + "text_projection", new long[]{d, d});
    }

    // ---- whole checkpoints ------------------------------------------------------------------

    /** An SD1.x checkpoint: UNet, VAE and CLIP-L, keys sorted as make_random_sd15.py writes them. */
    public static Map<String, long[]> sd15(Sizes z) {
        Shapes s = new Shapes();
        unet(s, "model.diffusion_model.", z.modelChannels(), z.context(), new int[]{1, 2, 4, 4}, new int[]{1, 1, 1, 0}, 1, false, null);
        vae(s, z.vaeChannels());
        clipL(s, "cond_stage_model.transformer.text_model.", z.context(), z.clipFf(), z.clipLayers(), z.vocab());
        return sorted(s.map);
    }

    /** An SDXL base checkpoint: UNet (with the size/pooled embedding), VAE, CLIP-L and OpenCLIP bigG. */
    public static Map<String, long[]> sdxl(XlSizes z) {
        Shapes s = new Shapes();
        unet(s, "model.diffusion_model.", z.modelChannels(), z.context(), new int[]{1, 2, 4}, new int[]{0, 2, 10}, 10,
                true, (long) z.adm());
        vae(s, z.vaeChannels());
        clipL(s, "conditioner.embedders.0.transformer.text_model.", z.clipL(), 4L * z.clipL(), z.clipLayers(), z.vocab());
        openClip(s, "conditioner.embedders.1.model.", z.clipG(), z.clipLayers(), z.vocab());
        return sorted(s.map);
    }

    /**
     * Widths of an SD2.x layout (OpenCLIP ViT-H: MLP 4x the width; the context is its width).
     * {@link #SD21} is the real one: 320-wide UNet, 24 layers of 1024, VAE 128.
     */
    public record Sd2Sizes(int modelChannels, int clipWidth, int clipLayers, int vocab, int vaeChannels) {
        public static final Sd2Sizes SD21 = new Sd2Sizes(320, 1024, 24, 49408, 128);
    }

    /**
     * An SD2.x checkpoint in the LDM layout (as v2-1_768-ema-pruned.safetensors): UNet with linear
     * projections and 64-wide heads, the VAE, and the OpenCLIP ViT-H text tower under
     * {@code cond_stage_model.model.} in the open_clip layout, its {@code logit_scale} (a 0-d tensor) included.
     */
    public static Map<String, long[]> sd2(Sd2Sizes z) {
        Shapes s = new Shapes();
        unet(s, "model.diffusion_model.", z.modelChannels(), z.clipWidth(), new int[]{1, 2, 4, 4}, new int[]{1, 1, 1, 0}, 1,
                true, null);
        vae(s, z.vaeChannels());
        openClip(s, "cond_stage_model.model.", z.clipWidth(), z.clipLayers(), z.vocab());
        s.map.put("cond_stage_model.model.logit_scale", new long[0]);
        return sorted(s.map);
    }

    /** An SD2.x checkpoint's UNet (linear projections, no extra embedding) with a bare prefix, for detection. */
    public static Map<String, long[]> sd2Unet(int modelChannels, int context) {
        Shapes s = new Shapes();
        unet(s, "", modelChannels, context, new int[]{1, 2, 4, 4}, new int[]{1, 1, 1, 0}, 1, true, null);
        return sorted(s.map);
    }

    /** The SDXL refiner's UNet (4 levels, depth 4 in the middle two), with the LDM prefix. */
    public static Map<String, long[]> sdxlRefinerUnet(int modelChannels, int context, int adm) {
        Shapes s = new Shapes();
        unet(s, "model.diffusion_model.", modelChannels, context, new int[]{1, 2, 4, 4}, new int[]{0, 4, 4, 0}, 4, true,
                (long) adm);
        return sorted(s.map);
    }

    private static Map<String, long[]> sorted(Map<String, long[]> m) {
        Map<String, long[]> out = new LinkedHashMap<>();
        m.keySet().stream().sorted().forEach(k -> out.put(k, m.get(k)));
        return out;
    }

    /** Keys that hold norm scales (set to 1), as make_random_sd15.py's {@code is_norm}. */
    static boolean isNorm(String key) {
        String base = key.substring(0, key.lastIndexOf('.'));
        String last = base.substring(base.lastIndexOf('.') + 1);
        if (key.startsWith("model.diffusion_model.") && (base.endsWith(".in_layers.0") || base.endsWith(".out_layers.0")
                || base.endsWith("diffusion_model.out.0"))) return true;
        return last.startsWith("norm") || last.startsWith("layer_norm") || last.equals("final_layer_norm")
                || Set.of("ln_1", "ln_2", "ln_final").contains(last);
    }
}
