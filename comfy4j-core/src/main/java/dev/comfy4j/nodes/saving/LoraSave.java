package dev.comfy4j.nodes.saving;

import dev.comfy4j.files.OutputNaming;
import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.patch.LoraExtraction;
import dev.comfy4j.model.sd.ClipHandle;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.model.sd.SavedWeights;
import dev.comfy4j.nodes.Hidden;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LoraSave ("Extract and Save Lora", {@code comfy_extras.nodes_lora_extract}): the weights of a MODEL
 * (usually a ModelMergeSubtract output, the difference of two models) and/or a CLIP (CLIPMergeSubtract)
 * turned into a LoRA file that LoraLoader reads back. {@code standard}: each weight of two or more
 * dimensions as {@code lora_up}/{@code lora_down} of rank {@code rank} ({@link LoraExtraction}), the others
 * as {@code .diff} when {@code bias_diff}; {@code full_diff}: every weight as {@code .diff}. With
 * {@code bias_diff} the biases are saved as {@code .diff_b}. Keys are ComfyUI's generic LoRA names
 * ({@code diffusion_model.*}, {@code text_encoders.clip_l.transformer.text_model.*}), values fp16, no metadata.
 */
public final class LoraSave implements Node {
    private static final Logger LOG = LoggerFactory.getLogger(LoraSave.class);
    private static final String UNET_KEYS = "diffusion_model.";
    private static final String CLIP_KEYS = "text_encoders.clip_l.transformer.text_model.";

    private final NodeServices services;

    public LoraSave(NodeServices services) {
        this.services = services;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("LoraSave", "comfy_extras.nodes_lora_extract")
                .displayName("Extract and Save Lora")
                .category("_for_testing")
                .input(Input.string("filename_prefix").defaultValue("loras/ComfyUI_extracted_lora").multiline(false))
                .input(Input.integer("rank").defaultValue(8).min(1).max(4096).step(1))
                .input(Input.combo("lora_type", "standard", "full_diff"))
                .input(Input.bool("bias_diff").defaultValue(true))
                .input(Input.of("model_diff", "MODEL").optional().tooltip("The ModelSubtract output to be converted to a lora."))
                .input(Input.of("text_encoder_diff", "CLIP").optional()
                        .tooltip("The CLIPSubtract output to be converted to a lora."))
                .hidden("prompt", Hidden.PROMPT)
                .hidden("extra_pnginfo", Hidden.EXTRA_PNGINFO)
                .outputNode()
                .experimental()
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        ModelHandle model = in.has("model_diff") ? in.as("model_diff", ModelHandle.class) : null;
        ClipHandle clip = in.has("text_encoder_diff") ? in.as("text_encoder_diff", ClipHandle.class) : null;
        if (model == null && clip == null) return NodeResult.nothing();
        long rank = in.integer("rank");
        boolean fullDiff = in.string("lora_type").equals("full_diff"); // validated against the combo
        boolean biasDiff = in.bool("bias_diff");
        OutputNaming.Target target = SavedFiles.target(services.output(), in.string("filename_prefix"));

        try (TensorScope scope = TensorScope.open()) {
            Map<String, Tensor> lora = new LinkedHashMap<>();
            if (model != null) {
                try (SavedWeights weights = SavedWeights.unet(model, UNET_KEYS)) {
                    extract(weights, rank, fullDiff, biasDiff, lora, context);
                }
            }
            if (clip != null) {
                try (SavedWeights weights = SavedWeights.clip(clip, CLIP_KEYS)) {
                    extract(weights, rank, fullDiff, biasDiff, lora, context);
                }
            }
            java.util.List<SafetensorsWriter.Entry> entries = new java.util.ArrayList<>();
            lora.forEach((k, t) -> entries.add(SafetensorsWriter.Entry.of(k, t)));
            SafetensorsWriter.write(SavedFiles.file(target), SavedWeights.fileOrder(entries), null);
        }
        return NodeResult.nothing();
    }

    /** {@code calc_lora_model}: the LoRA entries of one component's weights, fp16, into {@code out}. */
    static void extract(SavedWeights weights, long rank, boolean fullDiff, boolean biasDiff, Map<String, Tensor> out,
                        NodeContext context) {
        for (SafetensorsWriter.Entry e : weights.entries()) {
            String k = e.name();
            context.checkInterrupt();
            try (TensorScope step = TensorScope.open()) {
                if (k.endsWith(".weight")) {
                    String base = k.substring(0, k.length() - ".weight".length());
                    if (fullDiff || e.shape().length < 2) {
                        if (fullDiff || biasDiff) out.put(base + ".diff", step.keep(half(e.values().get())));
                        continue;
                    }
                    LoraExtraction.Factors f;
                    try {
                        f = LoraExtraction.extract(e.values().get(), rank);
                    } catch (RuntimeException failure) {
                        LOG.warn("Could not generate lora weights for key {}, is the weight difference a zero?", k);
                        continue;
                    }
                    out.put(base + ".lora_up.weight", step.keep(half(f.up())));
                    out.put(base + ".lora_down.weight", step.keep(half(f.down())));
                } else if (biasDiff && k.endsWith(".bias")) {
                    out.put(k.substring(0, k.length() - ".bias".length()) + ".diff_b", step.keep(half(e.values().get())));
                }
            }
        }
    }

    /** An fp16 copy: never a view of the model file, whose mapping may go once the weights are closed. */
    private static Tensor half(Tensor t) {
        return t.to(DType.F16).clone();
    }
}
