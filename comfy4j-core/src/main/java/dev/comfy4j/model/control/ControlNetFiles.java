package dev.comfy4j.model.control;

import dev.comfy4j.model.ArchitectureDetector;
import dev.comfy4j.model.UnetConfig;
import dev.comfy4j.model.UnknownArchitectureException;
import dev.comfy4j.model.patch.LoraKeyMap;
import dev.comfy4j.model.unet.T2iAdapter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what a file of the {@code controlnet} folder holds, as ComfyUI's {@code load_controlnet_state_dict}
 * and {@code load_t2i_adapter} tell them apart, from key names and shapes alone:
 *
 * <ol>
 *   <li>diffusers ControlNets ({@code controlnet_cond_embedding.conv_in.weight}): the UNet keys renamed by
 *       {@code unet_to_diffusers} for the configuration the keys describe, {@code controlnet_down_blocks.N}
 *       to {@code zero_convs.N.0}, {@code controlnet_mid_block} to {@code middle_block_out.0}, the condition
 *       embedding to {@code input_hint_block.2k}; other keys are logged as leftovers;</li>
 *   <li>original ControlNets: {@code control_model.zero_convs.0.0.weight} (with the {@code control_model.}
 *       prefix, the "pth" layout, which may be a diff ControlNet) or a bare {@code zero_convs.0.0.weight};</li>
 *   <li>otherwise a T2I-Adapter: diffusers keys renamed, then {@code body.0.in_conv.weight} is the light
 *       adapter and {@code conv_in.weight} the full one.</li>
 * </ol>
 *
 * Architectures ComfyUI knows but comfy4j does not run (Control-LoRA, union ControlNets, SD3/Flux/HunyuanDiT
 * ControlNets, SDXL and Stable Cascade adapters) are refused with {@link UnsupportedControlNetException}.
 */
public final class ControlNetFiles {
    private static final Logger LOG = LoggerFactory.getLogger(ControlNetFiles.class);
    private static final String PTH_PREFIX = "control_model.";

    private ControlNetFiles() {}

    /** A file ComfyUI would load but comfy4j cannot run; the message says which kind it is. */
    public static final class UnsupportedControlNetException extends Exception {
        public UnsupportedControlNetException(String message) {
            super(message);
        }
    }

    /**
     * What the file of these {@code shapes} holds, or null when it is neither a ControlNet nor a
     * T2I-Adapter ComfyUI recognises.
     */
    public static ControlNetFormat read(Map<String, long[]> shapes) throws UnsupportedControlNetException {
        if (shapes.containsKey("after_proj_list.18.bias")) throw unsupported("a HunyuanDiT ControlNet");
        if (shapes.containsKey("lora_controlnet")) throw unsupported("a Control-LoRA");
        if (shapes.containsKey("controlnet_cond_embedding.conv_in.weight")) return diffusers(shapes);
        if (shapes.containsKey("controlnet_blocks.0.weight") || shapes.containsKey("controlnet_blocks.0.linear.weight")) {
            throw unsupported("a ControlNet for an MMDiT model (SD3, SD3.5 or Flux)");
        }
        if (shapes.containsKey(PTH_PREFIX + "zero_convs.0.0.weight")) return original(shapes, PTH_PREFIX);
        if (shapes.containsKey("zero_convs.0.0.weight")) return original(shapes, "");
        return t2iAdapter(shapes);
    }

    private static UnsupportedControlNetException unsupported(String what) {
        return new UnsupportedControlNetException("it is " + what + ", which comfy4j does not support (it runs ControlNets"
                + " and T2I-Adapters for SD1.x/SD2.x)");
    }

    private static ControlNetFormat.ControlNet original(Map<String, long[]> shapes, String prefix)
            throws UnsupportedControlNetException {
        UnetConfig config = config(shapes, prefix);
        Map<String, String> names = new LinkedHashMap<>();
        for (String k : shapes.keySet()) if (k.startsWith(prefix)) names.put(k.substring(prefix.length()), k);
        long[] hint = shapes.get(prefix + "input_hint_block.0.weight");
        if (hint == null || hint.length != 4) throw new UnsupportedControlNetException("it has no input hint block");
        boolean difference = !prefix.isEmpty() && shapes.containsKey("difference");
        return new ControlNetFormat.ControlNet(names, config, hint[1], difference, false);
    }

    private static UnetConfig config(Map<String, long[]> shapes, String prefix) throws UnsupportedControlNetException {
        UnetConfig c;
        try {
            c = ArchitectureDetector.unetConfig(shapes, prefix);
        } catch (UnknownArchitectureException e) {
            throw new UnsupportedControlNetException("its encoder is not a UNet's: " + e.getMessage());
        }
        if (c.admInChannels() != null) throw unsupported("an SDXL ControlNet (it has a " + c.admInChannels() + "-wide label embedding)");
        if (c.contextDim() == null) throw new UnsupportedControlNetException("its encoder has no cross-attention");
        return c;
    }

    private static ControlNetFormat.ControlNet diffusers(Map<String, long[]> shapes) throws UnsupportedControlNetException {
        if (shapes.containsKey("control_add_embedding.linear_1.bias")) throw unsupported("a union ControlNet (ControlNet++)");
        UnetConfig config = diffusersConfig(shapes);
        Map<String, String> fromDiffusers = new LinkedHashMap<>(LoraKeyMap.DiffusersUnetKeys.map(config));
        fromDiffusers.put("controlnet_mid_block.weight", "middle_block_out.0.weight");
        fromDiffusers.put("controlnet_mid_block.bias", "middle_block_out.0.bias");
        for (int n = 0; shapes.containsKey("controlnet_down_blocks." + n + ".weight"); n++) {
            for (String s : new String[]{".weight", ".bias"}) fromDiffusers.put("controlnet_down_blocks." + n + s, "zero_convs." + n + ".0" + s);
        }
        for (int count = 0; ; count++) {
            String in = count == 0 ? "controlnet_cond_embedding.conv_in" : "controlnet_cond_embedding.blocks." + (count - 1);
            boolean last = !shapes.containsKey(in + ".weight");
            if (last) in = "controlnet_cond_embedding.conv_out";
            for (String s : new String[]{".weight", ".bias"}) fromDiffusers.put(in + s, "input_hint_block." + (count * 2) + s);
            if (last) break;
        }
        Map<String, String> names = new LinkedHashMap<>();
        Set<String> leftover = new TreeSet<>(shapes.keySet());
        for (Map.Entry<String, String> e : fromDiffusers.entrySet()) {
            if (shapes.containsKey(e.getKey())) {
                names.put(e.getValue(), e.getKey());
                leftover.remove(e.getKey());
            }
        }
        if (!leftover.isEmpty()) LOG.warn("leftover keys: {}", leftover);
        long[] hint = shapes.get("controlnet_cond_embedding.conv_in.weight");
        return new ControlNetFormat.ControlNet(names, config, hint[1], false, true);
    }

    /**
     * The UNet configuration of a diffusers encoder, read from its block structure (ComfyUI matches the keys
     * against its known model configurations; for those the two agree, and this also reads other widths).
     */
    static UnetConfig diffusersConfig(Map<String, long[]> shapes) throws UnsupportedControlNetException {
        long[] convIn = shapes.get("conv_in.weight");
        if (convIn == null || convIn.length != 4) throw new UnsupportedControlNetException("it has no conv_in of a diffusers UNet");
        int mc = (int) convIn[0];
        List<Integer> numRes = new ArrayList<>();
        List<Integer> mult = new ArrayList<>();
        List<Integer> depth = new ArrayList<>();
        Integer context = null;
        boolean linear = false;
        for (int x = 0; hasPrefix(shapes, "down_blocks." + x + "."); x++) {
            int n = 0;
            long out = mc;
            for (; shapes.containsKey("down_blocks." + x + ".resnets." + n + ".conv2.weight"); n++) {
                out = shapes.get("down_blocks." + x + ".resnets." + n + ".conv2.weight")[0];
                String att = "down_blocks." + x + ".attentions." + n + ".";
                int t = 0;
                while (hasPrefix(shapes, att + "transformer_blocks." + t + ".")) t++;
                depth.add(t);
                if (t > 0 && context == null) {
                    context = (int) shapes.get(att + "transformer_blocks.0.attn2.to_k.weight")[1];
                    linear = shapes.get(att + "proj_in.weight").length == 2;
                }
            }
            numRes.add(n);
            mult.add((int) (out / mc));
        }
        if (numRes.isEmpty()) throw new UnsupportedControlNetException("it has no down blocks");
        int middle;
        if (shapes.containsKey("mid_block.attentions.0.proj_in.weight")) {
            middle = 0;
            while (hasPrefix(shapes, "mid_block.attentions.0.transformer_blocks." + middle + ".")) middle++;
        } else {
            middle = shapes.containsKey("mid_block.resnets.0.conv1.weight") ? -1 : -2;
        }
        Integer adm = null;
        for (String k : new String[]{"add_embedding.linear_1.weight", "class_embedding.linear_1.weight"}) {
            if (shapes.containsKey(k)) adm = (int) shapes.get(k)[1];
        }
        if (adm != null) throw unsupported("an SDXL ControlNet (it has a " + adm + "-wide label embedding)");
        if (context == null) throw new UnsupportedControlNetException("its encoder has no cross-attention");
        return new UnetConfig((int) convIn[1], 4, mc, numRes, mult, depth, List.of(), middle, linear, context, null, false);
    }

    private static ControlNetFormat t2iAdapter(Map<String, long[]> shapes) throws UnsupportedControlNetException {
        Map<String, String> names = new LinkedHashMap<>();
        if (shapes.containsKey("adapter.body.0.resnets.0.block1.weight")) {
            // diffusers: ComfyUI's prefix replacements, applied in its dict's order
            List<String[]> replace = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 2; j++) replace.add(new String[]{"adapter.body." + i + ".resnets." + j + ".", "body." + (i * 2 + j) + "."});
                replace.add(new String[]{"adapter.body." + i + ".", "body." + (i * 2) + "."});
            }
            replace.add(new String[]{"adapter.", ""});
            for (String k : shapes.keySet()) {
                String name = k;
                for (String[] r : replace) {
                    if (name.startsWith(r[0])) {
                        name = r[1] + name.substring(r[0].length());
                        break;
                    }
                }
                names.put(name, k);
            }
        } else {
            for (String k : shapes.keySet()) names.put(k, k);
        }
        java.util.function.Function<String, long[]> shape = n -> names.containsKey(n) ? shapes.get(names.get(n)) : null;
        if (shape.apply("body.0.in_conv.weight") != null) {
            long cin = shape.apply("body.0.in_conv.weight")[1];
            // ComfyUI builds every light adapter with the widths [320, 640, 1280, 1280]; real files have them, and
            // reading them from the out convs also loads the narrower ones the tests make
            long[] channels = new long[4];
            for (int i = 0; i < 4; i++) {
                long[] out = shape.apply("body." + i + ".out_conv.weight");
                if (out == null) throw new UnsupportedControlNetException("its light adapter has no body." + i + ".out_conv");
                channels[i] = out[0];
            }
            return new ControlNetFormat.T2i(names, T2iAdapter.Kind.LIGHT, cin, channels, 3, false);
        }
        if (shape.apply("conv_in.weight") != null) {
            long[] convIn = shape.apply("conv_in.weight");
            long cin = convIn[1];
            long channel = convIn[0];
            if (cin == 256 || cin == 768) throw unsupported("an SDXL T2I-Adapter");
            long[] block2 = shape.apply("body.0.block2.weight");
            if (block2 == null) throw new UnsupportedControlNetException("its adapter has no body.0.block2");
            boolean useConv = names.keySet().stream().anyMatch(k -> k.endsWith("down_opt.op.weight"));
            return new ControlNetFormat.T2i(names, T2iAdapter.Kind.FULL, cin, new long[]{channel, channel * 2, channel * 4, channel * 4},
                    (int) block2[2], useConv);
        }
        if (shapes.containsKey("backbone.0.0.weight") || shapes.containsKey("backbone.10.blocks.0.weight")) {
            throw unsupported("a Stable Cascade ControlNet");
        }
        return null;
    }

    private static boolean hasPrefix(Map<String, long[]> shapes, String prefix) {
        for (String k : shapes.keySet()) if (k.startsWith(prefix)) return true;
        return false;
    }
}
