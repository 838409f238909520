package dev.comfy4j.model.sd;

import dev.comfy4j.model.ArchitectureDetector;
import dev.comfy4j.model.ModelArchitecture;
import dev.comfy4j.model.ModelFamily;
import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.UnknownArchitectureException;
import dev.comfy4j.model.ModelFileException;
import dev.comfy4j.model.control.ControlNetFiles;
import dev.comfy4j.model.control.ControlNetFormat;
import dev.comfy4j.model.clip.ClipTextModel;
import dev.comfy4j.model.clip.Sd1Tokenizer;
import dev.comfy4j.model.vae.AutoencoderKL;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.Device;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What the loader nodes do with a file: detect what it holds and hand out handles to its components.
 * Detection reads the file's header and shapes through the {@link ModelManager}'s mapping of the file,
 * so it costs no weight loading; the components load when a node first computes with them.
 */
public final class Checkpoints {
    private final ModelManager manager;
    private final Supplier<Sd1Tokenizer> tokenizer;
    private final Supplier<Device> device;

    /** What CheckpointLoaderSimple returns; {@code clip} or {@code vae} is null when the file lacks it. */
    public record Components(ModelHandle model, ClipHandle clip, VaeHandle vae) {}

    public Checkpoints(ModelManager manager, Supplier<Sd1Tokenizer> tokenizer, Supplier<Device> device) {
        this.manager = manager;
        this.tokenizer = tokenizer;
        this.device = device;
    }

    /** {@code comfy.sd.load_checkpoint_guess_config}: the MODEL, CLIP and VAE of a checkpoint. */
    public Components checkpoint(Path file) throws Exception {
        ModelArchitecture arch;
        String clipPrefix = null;
        boolean hasVae;
        try (var lease = manager.checkpoint(file)) {
            StateDict sd = lease.model().stateDict();
            arch = detect(file, sd);
            for (String prefix : arch.textEncoderPrefixes()) {
                if (sd.contains(prefix + "embeddings.token_embedding.weight")) clipPrefix = prefix;
            }
            if (clipPrefix == null && sd.contains(ClipTextModel.CHECKPOINT_PREFIX + "embeddings.token_embedding.weight")) {
                clipPrefix = ClipTextModel.CHECKPOINT_PREFIX;
            }
            if (arch.family() == ModelFamily.SDXL) clipPrefix = sdxlClipPrefix(file, sd);
            hasVae = arch.vaePrefix() != null;
        }
        ModelHandle model = new ModelHandle(manager, file, arch.unetPrefix(), arch, device);
        ClipHandle clip = clipPrefix == null ? null : arch.family() == ModelFamily.SDXL
                ? ClipHandle.sdxl(manager, file, clipPrefix, new ClipHandle.ClipGSource(file, ClipHandle.SDXL_CLIP_G_PREFIX), tokenizer)
                : new ClipHandle(manager, file, clipPrefix, arch.family(), tokenizer, null);
        VaeHandle vae = hasVae ? new VaeHandle(manager, file, arch.vaePrefix()) : null;
        return new Components(model, clip, vae);
    }

    /**
     * SDXL's text encoders: both CLIP-L and CLIP-G, or neither (ComfyUI then returns no CLIP). The
     * handle is keyed by the CLIP-L prefix; it finds CLIP-G by its fixed prefix.
     */
    private static String sdxlClipPrefix(Path file, StateDict sd) {
        boolean l = sd.contains(ClipHandle.SDXL_CLIP_L_PREFIX + "embeddings.token_embedding.weight");
        boolean g = sd.contains(ClipHandle.SDXL_CLIP_G_PREFIX + "token_embedding.weight");
        if (l && g) return ClipHandle.SDXL_CLIP_L_PREFIX;
        if (l || g) {
            throw new PyError("RuntimeError", "ERROR: " + file.getFileName() + " has only one of SDXL's two text encoders ("
                    + (l ? "CLIP-L" : "CLIP-G") + "); loading an SDXL CLIP needs both");
        }
        return null;
    }

    /** {@code comfy.sd.load_diffusion_model}: a UNet-only file (or the UNet of a checkpoint). */
    public ModelHandle diffusionModel(Path file) throws Exception {
        try (var lease = manager.checkpoint(file)) {
            ModelArchitecture arch = detect(file, lease.model().stateDict());
            return new ModelHandle(manager, file, arch.unetPrefix(), arch, device);
        }
    }

    /** A standalone CLIP-L text encoder file (CLIPLoader, type {@code stable_diffusion}). */
    public ClipHandle textEncoder(Path file) throws Exception {
        try (var lease = manager.checkpoint(file)) {
            StateDict sd = lease.model().stateDict();
            for (String prefix : new String[] {ClipTextModel.TEXT_ENCODER_PREFIX, ClipTextModel.CHECKPOINT_PREFIX, ""}) {
                if (sd.contains(prefix + "embeddings.token_embedding.weight")) {
                    return new ClipHandle(manager, file, prefix, ModelFamily.SD1, tokenizer, null);
                }
            }
        }
        throw new PyError("RuntimeError", "ERROR: " + file.getFileName()
                + " is not a CLIP-L text encoder (no text_model.embeddings.token_embedding.weight).");
    }

    /** A standalone VAE file (VAELoader), or the VAE of a checkpoint. */
    public VaeHandle vae(Path file) throws Exception {
        try (var lease = manager.checkpoint(file)) {
            StateDict sd = lease.model().stateDict();
            if (AutoencoderKL.looksLikeVae(sd.keys())) return new VaeHandle(manager, file, "");
            String prefix = AutoencoderKL.CHECKPOINT_PREFIX;
            if (AutoencoderKL.looksLikeVae(sd.keys().stream().filter(k -> k.startsWith(prefix))
                    .map(k -> k.substring(prefix.length())).toList())) {
                return new VaeHandle(manager, file, prefix);
            }
        }
        throw new PyError("RuntimeError", "ERROR: " + file.getFileName()
                + " is not a VAE: its keys are not those of an AutoencoderKL (encoder.*, decoder.*, quant_conv.*).");
    }

    /**
     * {@code comfy.controlnet.load_controlnet}: a ControlNet or T2I-Adapter file of the {@code controlnet} folder,
     * for DiffControlNetLoader with the MODEL whose UNet a diff ControlNet is added to ({@code diffBase}, else
     * null). Only the header is read here; the network loads when a sampler first runs it.
     */
    public ControlNetHandle controlNet(Path file, ModelHandle diffBase) throws Exception {
        String name = file.getFileName().toString();
        ControlNetFormat format;
        try (var lease = manager.checkpoint(file)) {
            format = ControlNetFiles.read(lease.model().stateDict().shapes());
        } catch (ControlNetFiles.UnsupportedControlNetException e) {
            throw invalidControlNet(name, e.getMessage());
        } catch (ModelFileException e) {
            throw invalidControlNet(name, "it cannot be read: " + e.getMessage());
        }
        if (format == null) {
            throw invalidControlNet(name, "it holds neither a ControlNet (zero_convs.*, controlnet_cond_embedding.*) nor a"
                    + " T2I-Adapter (conv_in, body.*)");
        }
        String stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        boolean globalAveragePooling = format instanceof ControlNetFormat.ControlNet
                && (stem.endsWith("_shuffle") || stem.endsWith("_shuffle_fp16"));
        return new ControlNetHandle(manager, file, format, device, diffBase, globalAveragePooling);
    }

    /** ComfyUI's ControlNetLoader error, with the file and the reason. */
    private static PyError invalidControlNet(String name, String reason) {
        return new PyError("RuntimeError", "ERROR: controlnet file is invalid and does not contain a valid controlnet model: "
                + name + " (" + reason + ")");
    }

    private static ModelArchitecture detect(Path file, StateDict sd) {
        try {
            return ArchitectureDetector.detect(sd);
        } catch (UnknownArchitectureException e) {
            throw new PyError("RuntimeError", "ERROR: Could not detect model type of: " + file.getFileName()
                    + " (" + e.getMessage() + ")");
        }
    }
}
