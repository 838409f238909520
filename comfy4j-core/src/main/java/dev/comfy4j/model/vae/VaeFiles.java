package dev.comfy4j.model.vae;

import dev.comfy4j.model.ModelFileException;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.StateDict;
import java.nio.file.Path;
import java.util.Set;

/**
 * Loads a separate VAE file for {@code VAELoader}: safetensors (memory-mapped) or a PyTorch zip
 * checkpoint ({@code .pt}, {@code .ckpt}, {@code .pth}), keys in the LDM layout without prefix or in the
 * diffusers layout, as ComfyUI reads {@code models/vae}.
 */
public final class VaeFiles {
    private VaeFiles() {}

    /** The VAE in {@code file}; it owns the file's tensors until closed. */
    public static Vae load(Path file) throws ModelFileException {
        return load(file, AutoencoderKL.Options.defaults());
    }

    public static Vae load(Path file, AutoencoderKL.Options options) throws ModelFileException {
        StateDict sd = ModelFiles.loadStateDict(file);
        try {
            if (!AutoencoderKL.looksLikeVae(sd.keys())) throw new ModelFileException(file, notAVae(sd.keys()));
            AutoencoderKL model = AutoencoderKL.fromStateDict(sd, "", options);
            return new Vae(model, sd);
        } catch (ModelFileException e) {
            sd.close();
            throw e;
        } catch (IllegalArgumentException e) {
            sd.close();
            throw new ModelFileException(file, "is not a complete Stable Diffusion VAE: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            sd.close();
            throw e;
        }
    }

    /** Why the keys are not a VAE's, with a hint at what the file is instead. */
    static String notAVae(Set<String> keys) {
        String what = describe(keys);
        return "is not a VAE: it has no decoder.conv_in.weight" + (what.isEmpty() ? "" : " (" + what + ")");
    }

    private static String describe(Set<String> keys) {
        boolean checkpointVae = false, unet = false, clip = false, taesd = false;
        for (String k : keys) {
            if (k.startsWith(AutoencoderKL.CHECKPOINT_PREFIX)) checkpointVae = true;
            if (k.startsWith("model.diffusion_model.") || k.startsWith("input_blocks.") || k.startsWith("down_blocks.")
                    || k.startsWith("double_blocks.") || k.startsWith("joint_blocks.")) unet = true;
            if (k.contains("text_model.") || k.startsWith("cond_stage_model.")) clip = true;
            if (k.startsWith("taesd_decoder.") || k.startsWith("decoder.layers.")) taesd = true;
        }
        if (checkpointVae) return "it looks like a full checkpoint: load it with CheckpointLoaderSimple";
        if (unet) return "it looks like a diffusion model (UNet): load it with UNETLoader or CheckpointLoaderSimple";
        if (clip) return "it looks like a text encoder: load it with CLIPLoader";
        if (taesd) return "TAESD and other VAE types are not supported yet";
        return keys.isEmpty() ? "the file holds no tensors" : "";
    }
}
