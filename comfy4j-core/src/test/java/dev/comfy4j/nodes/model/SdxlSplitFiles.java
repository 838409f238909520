package dev.comfy4j.nodes.model;

import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.UnetConfig;
import dev.comfy4j.model.patch.LoraKeyMap;
import dev.comfy4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes parts of the random SDXL checkpoint as the separate files users download: CLIP-L in the Hugging Face
 * layout ({@code clip_l.safetensors}), CLIP-G in the open_clip layout and in the Hugging Face
 * {@code CLIPTextModelWithProjection} layout ({@code clip_g.safetensors}), and the UNet alone. The renaming here is
 * written out by hand from the two layouts, independently of the loaders under test.
 */
final class SdxlSplitFiles {
    static final String L = "conditioner.embedders.0.transformer.";
    static final String G = "conditioner.embedders.1.model.";
    static final String UNET = "model.diffusion_model.";

    private SdxlSplitFiles() {}

    /** CLIP-L as {@code text_model.*} (the checkpoint already has the Hugging Face layout). */
    static void clipL(StateDict ckpt, Path out) throws IOException {
        write(ckpt, L, "", out);
    }

    /** CLIP-G in the open_clip layout at the top level ({@code transformer.resblocks.*}, {@code text_projection}). */
    static void clipGOpenClip(StateDict ckpt, Path out) throws IOException {
        write(ckpt, G, "", out);
    }

    /** The UNet alone, its keys without {@code model.diffusion_model.}. */
    static void unet(StateDict ckpt, Path out) throws IOException {
        write(ckpt, UNET, "", out);
    }

    /**
     * The UNet under diffusers' names, from ComfyUI's table ({@code unet_to_diffusers}, which LoRA and ControlNet
     * loading already use and test); the loader under test must find the block structure from the names alone.
     */
    static void diffusersUnet(StateDict ckpt, UnetConfig config, Path out) throws IOException {
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, String> e : LoraKeyMap.DiffusersUnetKeys.map(config).entrySet()) {
            Tensor t = ckpt.get(UNET + e.getValue());
            if (t != null && entries.stream().noneMatch(x -> x.name().equals(e.getKey()))) {
                // class_embedding and add_embedding both name label_emb: SDXL's files use add_embedding.
                if (e.getKey().startsWith("class_embedding.")) continue;
                entries.add(SafetensorsWriter.Entry.of(e.getKey(), t));
            }
        }
        SafetensorsWriter.write(out, entries, Map.of());
    }

    /** CLIP-G as Hugging Face's CLIPTextModelWithProjection saves it. */
    static void clipGHuggingFace(StateDict ckpt, Path out) throws IOException {
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        String t = "text_model.";
        add(entries, t + "embeddings.token_embedding.weight", ckpt.get(G + "token_embedding.weight"));
        add(entries, t + "embeddings.position_embedding.weight", ckpt.get(G + "positional_embedding"));
        add(entries, t + "final_layer_norm.weight", ckpt.get(G + "ln_final.weight"));
        add(entries, t + "final_layer_norm.bias", ckpt.get(G + "ln_final.bias"));
        Tensor projection = ckpt.get(G + "text_projection");
        entries.add(new SafetensorsWriter.Entry("text_projection.weight", projection.dtype(),
                new long[] {projection.size(1), projection.size(0)}, () -> projection.transpose(0, 1)));
        for (int i = 0; ckpt.contains(G + "transformer.resblocks." + i + ".ln_1.weight"); i++) {
            String from = G + "transformer.resblocks." + i + ".";
            String to = t + "encoder.layers." + i + ".";
            for (String[] pair : new String[][] {{"ln_1", "layer_norm1"}, {"ln_2", "layer_norm2"},
                {"attn.out_proj", "self_attn.out_proj"}, {"mlp.c_fc", "mlp.fc1"}, {"mlp.c_proj", "mlp.fc2"}}) {
                add(entries, to + pair[1] + ".weight", ckpt.get(from + pair[0] + ".weight"));
                add(entries, to + pair[1] + ".bias", ckpt.get(from + pair[0] + ".bias"));
            }
            String[] qkv = {"q_proj", "k_proj", "v_proj"};
            for (String kind : new String[] {"weight", "bias"}) {
                Tensor fused = ckpt.get(from + "attn.in_proj_" + kind);
                long rows = fused.size(0) / 3;
                for (int j = 0; j < 3; j++) {
                    long start = j * rows;
                    long[] shape = fused.shape().clone();
                    shape[0] = rows;
                    entries.add(new SafetensorsWriter.Entry(to + "self_attn." + qkv[j] + "." + kind, fused.dtype(), shape,
                            () -> fused.narrow(0, start, rows)));
                }
            }
        }
        SafetensorsWriter.write(out, entries, Map.of());
    }

    private static void add(List<SafetensorsWriter.Entry> entries, String name, Tensor t) {
        if (t == null) throw new IllegalStateException("the checkpoint lacks the weight for " + name);
        entries.add(SafetensorsWriter.Entry.of(name, t));
    }

    private static void write(StateDict ckpt, String prefix, String newPrefix, Path out) throws IOException {
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : ckpt.tensors().entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                entries.add(SafetensorsWriter.Entry.of(newPrefix + e.getKey().substring(prefix.length()), e.getValue()));
            }
        }
        SafetensorsWriter.write(out, entries, Map.of());
    }
}
