package dev.comfy4j.model;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Recognises SD1.x, SD2.x (eps and v), SDXL base and SDXL refiner from a state dict's key names and
 * shapes, following ComfyUI's {@code model_detection} / {@code supported_models} rules:
 *
 * <ol>
 *   <li>the UNet prefix is {@code model.diffusion_model.} when more than 5 keys carry it, else the
 *       keys are taken as a bare UNet;</li>
 *   <li>{@link UnetConfig} is read off the blocks (channel multipliers from the output widths of the
 *       res blocks, transformer depths by counting {@code transformer_blocks.N}, context width from
 *       {@code attn2.to_k}, linear or conv {@code proj_in});</li>
 *   <li>the family follows from the structure: no extra embedding and conv projections is SD1, linear
 *       projections SD2; an {@code adm} embedding with depths [0,0,2,2,10,10] is SDXL, with
 *       [0,0,4,4,4,4,0,0] the refiner. {@link ModelArchitecture#standardSize()} tells whether the widths
 *       are the production ones, which is what ComfyUI's exact match demands;</li>
 *   <li>SD2 (4 input channels; inpainting UNets stay eps) is v-prediction when the population std of
 *       {@code output_blocks.11.1.transformer_blocks.0.norm1.bias} exceeds 0.09 (ComfyUI's {@code SD20.model_type}
 *       heuristic, compared in the tensor's dtype as torch does); SDXL when the file has a {@code v_pred} key.</li>
 *   <li>SD2.1 unCLIP (an extra 1536- or 2048-wide image embedding) and the SD x4 upscaler are recognised and
 *       refused by name: comfy4j does not run them yet.</li>
 * </ol>
 */
public final class ArchitectureDetector {
    static final String LDM_UNET_PREFIX = "model.diffusion_model.";
    static final String VAE_PREFIX = "first_stage_model.";
    private static final List<Integer> SDXL_DEPTHS = List.of(0, 0, 2, 2, 10, 10);
    private static final List<Integer> REFINER_DEPTHS = List.of(0, 0, 4, 4, 4, 4, 0, 0);

    private ArchitectureDetector() {}

    /** Detects from a loaded state dict (its values are read only for SD2's v-prediction check). */
    public static ModelArchitecture detect(StateDict sd) throws UnknownArchitectureException {
        return detect(sd.shapes(), sd::get);
    }

    /**
     * Detects from shapes alone plus a way to read a tensor; {@code values} may return null (or be
     * null) when values are not available, in which case SD2 is reported as eps.
     */
    public static ModelArchitecture detect(Map<String, long[]> shapes, Function<String, Tensor> values)
            throws UnknownArchitectureException {
        String prefix = unetPrefix(shapes);
        UnetConfig c = unetConfig(shapes, prefix);
        if (c.temporal()) throw new UnknownArchitectureException("video UNets (temporal layers) are not supported: " + c);
        if (c.contextDim() == null) throw new UnknownArchitectureException("the UNet has no cross-attention: " + c);
        ModelFamily family;
        if (c.admInChannels() == null) {
            family = c.useLinearInTransformer() ? ModelFamily.SD2 : ModelFamily.SD1;
            if (family == ModelFamily.SD2 && c.inChannels() == 7) {
                throw new UnknownArchitectureException("the SD x4 upscaler (ComfyUI's SD_X4Upscaler: a 7-channel input"
                        + " UNet with a noise-level class embedding) is not supported yet: " + c);
            }
        } else if (c.useLinearInTransformer() && Integer.valueOf(1024).equals(c.contextDim())
                && (c.admInChannels() == 1536 || c.admInChannels() == 2048)) {
            throw new UnknownArchitectureException("unCLIP checkpoints (ComfyUI's " + (c.admInChannels() == 1536 ? "SD21UnclipL"
                    : "SD21UnclipH") + ": SD2.1 with a " + c.admInChannels() + "-wide image embedding) are not supported yet: " + c);
        } else if (c.useLinearInTransformer() && c.transformerDepth().equals(SDXL_DEPTHS)) {
            family = ModelFamily.SDXL;
        } else if (c.useLinearInTransformer() && c.transformerDepth().equals(REFINER_DEPTHS)) {
            family = ModelFamily.SDXL_REFINER;
        } else {
            throw new UnknownArchitectureException("unknown model architecture (a UNet with an extra "
                    + c.admInChannels() + "-wide embedding that is neither SDXL nor the SDXL refiner): " + c);
        }
        Prediction prediction = prediction(family, c, prefix, shapes, values);
        return new ModelArchitecture(family, prediction, c, family.hasStandardSize(c), prefix,
                hasPrefix(shapes, VAE_PREFIX) ? VAE_PREFIX : null, textEncoders(family, shapes));
    }

    private static Prediction prediction(ModelFamily family, UnetConfig c, String prefix, Map<String, long[]> shapes,
            Function<String, Tensor> values) {
        if (family == ModelFamily.SD2 && c.inChannels() == 4 && values != null) {
            Tensor bias = values.apply(prefix + "output_blocks.11.1.transformer_blocks.0.norm1.bias");
            if (bias != null && populationStd(bias) > roundedLike(0.09, bias)) return Prediction.V_PREDICTION;
        }
        if ((family == ModelFamily.SDXL || family == ModelFamily.SDXL_REFINER) && shapes.containsKey("v_pred")) {
            return Prediction.V_PREDICTION;
        }
        return Prediction.EPS;
    }

    /**
     * {@code torch.std(t, unbiased=False)} as ComfyUI gets it: accumulated in float32 and returned in the
     * tensor's own dtype (an fp16 checkpoint gives an fp16 std).
     */
    private static double populationStd(Tensor t) {
        try (TensorScope ignored = TensorScope.open()) {
            return t.to(DType.F32).std(false).to(t.dtype()).to(DType.F32).item();
        }
    }

    /** A Python float compared with a tensor is taken in the tensor's dtype first (torch's type promotion). */
    private static double roundedLike(double value, Tensor t) {
        try (TensorScope ignored = TensorScope.open()) {
            return Tensor.fromFloats(new float[]{(float) value}, 1).to(t.dtype()).to(DType.F32).item();
        }
    }

    private static List<String> textEncoders(ModelFamily family, Map<String, long[]> shapes) {
        List<String> candidates = switch (family) {
            case SD1 -> List.of("cond_stage_model.transformer.", "conditioner.embedders.0.transformer.");
            case SD2 -> List.of("cond_stage_model.model.", "conditioner.embedders.0.model.");
            case SDXL -> List.of("conditioner.embedders.0.transformer.", "conditioner.embedders.1.model.");
            case SDXL_REFINER -> List.of("conditioner.embedders.0.model.");
        };
        List<String> present = new ArrayList<>();
        for (String p : candidates) if (hasPrefix(shapes, p)) present.add(p);
        return present;
    }

    static String unetPrefix(Map<String, long[]> shapes) throws UnknownArchitectureException {
        long ldm = shapes.keySet().stream().filter(k -> k.startsWith(LDM_UNET_PREFIX)).count();
        if (ldm > 5) return LDM_UNET_PREFIX;
        if (shapes.containsKey("input_blocks.0.0.weight")) return "";
        throw new UnknownArchitectureException("unknown model architecture: no UNet found (no '" + LDM_UNET_PREFIX
                + "input_blocks.0.0.weight' or bare 'input_blocks.0.0.weight'); " + shapes.size() + " tensors");
    }

    private static boolean hasPrefix(Map<String, long[]> shapes, String prefix) {
        for (String k : shapes.keySet()) if (k.startsWith(prefix)) return true;
        return false;
    }

    /** ComfyUI's {@code count_blocks}: how many N make some key start with {@code before + N + after}. */
    private static int countBlocks(Map<String, long[]> shapes, String before, String after) {
        int n = 0;
        while (hasPrefix(shapes, before + n + after)) n++;
        return n;
    }

    private record TransformerInfo(int depth, int contextDim, boolean linear, boolean temporal) {}

    private static TransformerInfo transformer(Map<String, long[]> shapes, String blockPrefix) {
        String tp = blockPrefix + "1.transformer_blocks.";
        if (!hasPrefix(shapes, tp)) return null;
        int depth = countBlocks(shapes, tp, "");
        long[] toK = shapes.get(tp + "0.attn2.to_k.weight");
        long[] projIn = shapes.get(blockPrefix + "1.proj_in.weight");
        boolean temporal = shapes.containsKey(blockPrefix + "1.time_stack.0.attn1.to_q.weight")
                || shapes.containsKey(blockPrefix + "1.time_mix_blocks.0.attn1.to_q.weight");
        return new TransformerInfo(depth, toK == null ? -1 : (int) toK[1], projIn != null && projIn.length == 2, temporal);
    }

    /** The UNet configuration of the blocks under {@code p} (also what a ControlNet's copy of the encoder describes). */
    public static UnetConfig unetConfig(Map<String, long[]> shapes, String p) throws UnknownArchitectureException {
        long[] first = shapes.get(p + "input_blocks.0.0.weight");
        if (first == null || first.length != 4) {
            throw new UnknownArchitectureException("unknown model architecture: '" + p + "input_blocks.0.0.weight' is not a conv weight");
        }
        int modelChannels = (int) first[0];
        int inChannels = (int) first[1];
        long[] out = shapes.get(p + "out.2.weight");
        int outChannels = out != null ? (int) out[0] : 4;
        long[] label = shapes.get(p + "label_emb.0.0.weight");
        Integer adm = label != null ? (int) label[1] : null;

        List<Integer> numResBlocks = new ArrayList<>();
        List<Integer> channelMult = new ArrayList<>();
        List<Integer> depth = new ArrayList<>();
        List<Integer> depthOutput = new ArrayList<>();
        Integer contextDim = null;
        boolean linear = false;
        boolean temporal = false;
        int lastResBlocks = 0;
        int lastMult = 0;
        int inputBlocks = countBlocks(shapes, p + "input_blocks.", ".");
        for (int i = 0; i < inputBlocks; i++) {
            String in = p + "input_blocks." + i + ".";
            String outPrefix = p + "output_blocks." + (inputBlocks - i - 1) + ".";
            if (!hasPrefix(shapes, in)) break;
            if (shapes.containsKey(in + "0.op.weight")) { // a downsampler starts a new level
                numResBlocks.add(lastResBlocks);
                channelMult.add(lastMult);
                lastResBlocks = 0;
                lastMult = 0;
                TransformerInfo t = transformer(shapes, outPrefix);
                depthOutput.add(t == null ? 0 : t.depth());
                continue;
            }
            if (shapes.containsKey(in + "0.in_layers.0.weight")) {
                lastResBlocks++;
                long[] w = shapes.get(in + "0.out_layers.3.weight");
                if (w == null) throw new UnknownArchitectureException("unknown model architecture: res block " + in + " has no out_layers.3");
                lastMult = (int) (w[0] / modelChannels);
                TransformerInfo t = transformer(shapes, in);
                depth.add(t == null ? 0 : t.depth());
                if (t != null && contextDim == null) {
                    contextDim = t.contextDim();
                    linear = t.linear();
                    temporal = t.temporal();
                }
            }
            if (shapes.containsKey(outPrefix + "0.in_layers.0.weight")) {
                TransformerInfo t = transformer(shapes, outPrefix);
                depthOutput.add(t == null ? 0 : t.depth());
            }
        }
        numResBlocks.add(lastResBlocks);
        channelMult.add(lastMult);
        int middle;
        if (shapes.containsKey(p + "middle_block.1.proj_in.weight")) {
            middle = countBlocks(shapes, p + "middle_block.1.transformer_blocks.", "");
        } else if (shapes.containsKey(p + "middle_block.0.in_layers.0.weight")) {
            middle = -1;
        } else {
            middle = -2;
        }
        return new UnetConfig(inChannels, outChannels, modelChannels, numResBlocks, channelMult, depth, depthOutput,
                middle, linear, contextDim, adm, temporal);
    }
}
