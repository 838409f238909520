package dev.comfy4j.nodes.latent;

import dev.comfy4j.files.Folders;
import dev.comfy4j.model.SafetensorsFile;
import dev.comfy4j.nodes.Fingerprinted;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.InputCheck;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.ValidatesInputs;
import dev.comfy4j.nodes.image.ImageInputs;
import dev.comfy4j.nodes.image.ImageSupport;
import dev.comfy4j.tensor.DType;
import java.util.Map;
import java.util.Set;

/**
 * LoadLatent: a .latent safetensors file of the input folder; files without the version key are rescaled by 1/0.18215.
 */
public final class LoadLatent implements Node, Fingerprinted, ValidatesInputs {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("LoadLatent", "nodes")
                .category("_for_testing")
                .input(Input.combo("latent", () -> ImageInputs.files(folders.input()).stream().filter(f -> f.endsWith(".latent")).toList()).noOptions())
                .output(Output.of("LATENT"))
                .build();
    }

    private final Folders folders;

    public LoadLatent(Folders folders) {
        this.folders = folders;
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        String name = in.string("latent");
        var path = ImageInputs.annotatedPath(folders, name, folders.input()).orElseThrow();
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            double multiplier = file.tensors().containsKey("latent_format_version_0") ? 1.0 : 1.0 / 0.18215;
            return NodeResult.of(Latents.of(ImageSupport.compute(() -> file.tensor("latent_tensor").to(DType.F32).mul(multiplier))));
        }
    }

    @Override
    public Object fingerprint(NodeInputs in) throws Exception {
        var path = ImageInputs.annotatedPath(folders, in.string("latent"), folders.input());
        return path.isPresent() && java.nio.file.Files.isRegularFile(path.get()) ? ImageInputs.sha256(path.get()) : "";
    }

    @Override
    public Set<String> validatedInputs() {
        return Set.of("latent");
    }

    @Override
    public InputCheck validateInputs(NodeInputs in, Map<String, String> types) {
        Object latent = in.get("latent");
        if (latent instanceof String s && ImageInputs.exists(folders, s, folders.input())) return InputCheck.OK;
        return InputCheck.failed("Invalid latent file: " + dev.comfy4j.python.PyConvert.toStr(latent));
    }
}
