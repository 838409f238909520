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
import dev.comfy4j.model.clip.OpenClipTowerWeights;
import dev.comfy4j.model.clip.Sd1Tokenizer;
import dev.comfy4j.model.clip.Sd2TextEncoder;
import dev.comfy4j.model.vae.AutoencoderKL;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.Device;
import java.nio.file.Path;
import java.util.Map;
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

    /** Where SDXL refiner checkpoints keep their one text encoder, CLIP-G (open_clip layout). */
    private static final String REFINER_CLIP_G_PREFIX = "conditioner.embedders.0.model.";

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
        String clipPrefix;
        boolean hasVae;
        try (var lease = manager.checkpoint(file)) {
            StateDict sd = lease.model().stateDict();
            arch = detect(file, sd);
            clipPrefix = switch (arch.family()) {
                case SDXL -> sdxlClipPrefix(file, sd);
                case SD2 -> Sd2TextEncoder.prefixIn(sd.keys());
                case SDXL_REFINER -> OpenClipTowerWeights.isClipG(sd, REFINER_CLIP_G_PREFIX) ? REFINER_CLIP_G_PREFIX : null;
                default -> clipLPrefix(arch, sd);
            };
            hasVae = arch.vaePrefix() != null;
        }
        ModelHandle model = new ModelHandle(manager, file, arch.unetPrefix(), arch, device);
        ClipHandle clip = clipPrefix == null ? null : switch (arch.family()) {
            case SDXL -> ClipHandle.sdxl(manager, file, clipPrefix, new ClipHandle.ClipGSource(file, ClipHandle.SDXL_CLIP_G_PREFIX), tokenizer);
            case SDXL_REFINER -> ClipHandle.refiner(manager, new ClipHandle.ClipGSource(file, clipPrefix), tokenizer);
            default -> new ClipHandle(manager, file, clipPrefix, arch.family(), tokenizer, null);
        };
        VaeHandle vae = hasVae ? new VaeHandle(manager, file, arch.vaePrefix()) : null;
        return new Components(model, clip, vae);
    }

    /** Where an SD1.x checkpoint keeps CLIP-L: the architecture's prefix that holds it, else the LDM one; null for none. */
    private static String clipLPrefix(ModelArchitecture arch, StateDict sd) {
        String found = null;
        for (String prefix : arch.textEncoderPrefixes()) {
            if (sd.contains(prefix + "embeddings.token_embedding.weight")) found = prefix;
        }
        if (found == null && sd.contains(ClipTextModel.CHECKPOINT_PREFIX + "embeddings.token_embedding.weight")) {
            found = ClipTextModel.CHECKPOINT_PREFIX;
        }
        return found;
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
            StateDict sd = lease.model().stateDict();
            if (DiffusersUnetFiles.isDiffusersUnet(sd.keys())) {
                // ComfyUI renames a diffusers UNet to its LDM names (unet_to_diffusers); here a renamed view does.
                Map<String, String> names = DiffusersUnetFiles.ldmNames(sd.shapes());
                try (StateDict ldm = StateDict.renamed(sd, names)) {
                    return ModelHandle.diffusers(manager, file, detect(file, ldm), device, names);
                }
            }
            ModelArchitecture arch = detect(file, sd);
            return new ModelHandle(manager, file, arch.unetPrefix(), arch, device);
        }
    }

    /** A standalone CLIP-L text encoder file (CLIPLoader, type {@code stable_diffusion}). */
    public ClipHandle textEncoder(Path file) throws Exception {
        return textEncoder(file, "stable_diffusion");
    }

    /**
     * {@code comfy.sd.load_clip} with one file (CLIPLoader): what the file holds and the {@code type} decide the
     * CLIP, as ComfyUI's {@code load_text_encoder_state_dicts} does. A CLIP-L makes SD1's CLIP for every type but
     * {@code sd3} and {@code hidream}; an OpenCLIP ViT-H makes SD2's for every type; a CLIP-G makes the SDXL
     * refiner's for every type but {@code stable_cascade}, {@code sd3} and {@code hidream}. Anything else is refused with a RuntimeError naming the file and what it holds.
     */
    public ClipHandle textEncoder(Path file, String type) throws Exception {
        TextEncoderFiles.Detected te = detectTextEncoder(file);
        switch (te.kind()) {
            case CLIP_L -> {
                if (!type.equals("sd3") && !type.equals("hidream")) {
                    return new ClipHandle(manager, file, te.prefix(), ModelFamily.SD1, tokenizer, null);
                }
            }
            case CLIP_H -> {
                // ComfyUI builds SD2's CLIP from a ViT-H file whatever the type
                return new ClipHandle(manager, file, te.prefix(), ModelFamily.SD2, tokenizer, null);
            }
            case CLIP_G -> {
                if (!type.equals("stable_cascade") && !type.equals("sd3") && !type.equals("hidream")) {
                    return ClipHandle.refiner(manager, new ClipHandle.ClipGSource(file, te.prefix()), tokenizer);
                }
            }
            default -> { }
        }
        throw unsupportedTextEncoder(type, te, file);
    }

    /**
     * {@code comfy.sd.load_clip} with two files (DualCLIPLoader): type {@code sdxl} takes a CLIP-L and a CLIP-G,
     * in either order (ComfyUI's {@code SDXLClipModel.load_sd} sorts them by layer count), and gives the same
     * SDXL CLIP as a checkpoint's. The other types need encoders comfy4j does not have.
     */
    public ClipHandle textEncoders(Path first, Path second, String type) throws Exception {
        TextEncoderFiles.Detected a = detectTextEncoder(first);
        TextEncoderFiles.Detected b = detectTextEncoder(second);
        if (!type.equals("sdxl")) {
            throw new PyError("RuntimeError", "ERROR: DualCLIPLoader type " + type + " is not supported by comfy4j yet ("
                    + first.getFileName() + ": " + a.kind().description + ", " + second.getFileName() + ": "
                    + b.kind().description + "); type sdxl (CLIP-L + CLIP-G) is");
        }
        boolean lFirst = a.kind() == TextEncoderFiles.Kind.CLIP_L && b.kind() == TextEncoderFiles.Kind.CLIP_G;
        boolean gFirst = a.kind() == TextEncoderFiles.Kind.CLIP_G && b.kind() == TextEncoderFiles.Kind.CLIP_L;
        if (!lFirst && !gFirst) {
            throw new PyError("RuntimeError", "ERROR: DualCLIPLoader type sdxl needs a CLIP-L and a CLIP-G file; "
                    + first.getFileName() + " holds " + a.kind().description + " and " + second.getFileName() + " holds "
                    + b.kind().description);
        }
        Path lFile = lFirst ? first : second;
        TextEncoderFiles.Detected l = lFirst ? a : b;
        TextEncoderFiles.Detected g = lFirst ? b : a;
        return ClipHandle.sdxl(manager, lFile, l.prefix(), new ClipHandle.ClipGSource(lFirst ? second : first, g.prefix()), tokenizer);
    }

    private TextEncoderFiles.Detected detectTextEncoder(Path file) throws Exception {
        try (var lease = manager.checkpoint(file)) {
            return TextEncoderFiles.detect(lease.model().stateDict());
        }
    }

    private static PyError unsupportedTextEncoder(String type, TextEncoderFiles.Detected te, Path file) {
        String what = te.kind() == TextEncoderFiles.Kind.UNKNOWN ? "it holds no text encoder comfy4j recognises"
                : "it holds " + te.kind().description + ", which as type " + type + " needs a text encoder comfy4j does not have yet";
        return new PyError("RuntimeError", "ERROR: CLIPLoader cannot load " + file.getFileName() + " as type " + type + ": "
                + what + " (comfy4j runs CLIP-L as SD1.x's CLIP, ViT-H as SD2.x's and CLIP-G as the SDXL refiner's; see docs/compatibility.md)");
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
