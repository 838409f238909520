package dev.comfy4j.nodes.latent;

import dev.comfy4j.files.Folders;
import dev.comfy4j.files.OutputNaming;
import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.nodes.Hidden;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.python.PyJson;
import dev.comfy4j.python.PyValues;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SaveLatent: the samples as a .latent safetensors file (latent_tensor plus the empty version marker), prompt metadata.
 */
public final class SaveLatent implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("SaveLatent", "nodes")
                .category("_for_testing")
                .input(Input.of("samples", "LATENT").noOptions())
                .input(Input.of("filename_prefix", "STRING").option("default", "latents/ComfyUI"))
                .hidden("prompt", Hidden.PROMPT)
                .hidden("extra_pnginfo", Hidden.EXTRA_PNGINFO)
                .outputNode()
                .build();
    }

    private final Folders folders;

    public SaveLatent(Folders folders) {
        this.folders = folders;
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        Tensor samples = Latent.from(in.get("samples"), "samples").samples();
        OutputNaming.Target target = dev.comfy4j.nodes.image.ImageSaver.target(in.string("filename_prefix"), folders.output(), 0, 0);
        Map<String, String> metadata = null;
        if (!context.config().disableMetadata()) {
            metadata = new LinkedHashMap<>();
            metadata.put("prompt", context.prompt() == null ? "" : PyJson.dumps(PyValues.fromJson(context.prompt())));
            if (context.extraPngInfo() != null && context.extraPngInfo().isObject()) {
                for (var it = context.extraPngInfo().fields(); it.hasNext(); ) {
                    var e = it.next();
                    metadata.put(e.getKey(), PyJson.dumps(PyValues.fromJson(e.getValue())));
                }
            }
        }
        String file = String.format("%s_%05d_.latent", target.filename(), target.counter());
        try (TensorScope ignored = TensorScope.open()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            tensors.put("latent_tensor", samples.contiguous());
            tensors.put("latent_format_version_0", Tensor.zeros(DType.F32, 0));
            SafetensorsWriter.write(target.folder().resolve(file), tensors, metadata);
        }
        return NodeResult.uiOnly(NodeResult.ui("latents", OutputNaming.uiResult(file, target.subfolder(), "output")));
    }
}
