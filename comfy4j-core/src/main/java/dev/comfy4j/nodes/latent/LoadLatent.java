package dev.comfy4j.nodes.latent;

import dev.comfy4j.files.Folders;
import dev.comfy4j.model.SafetensorsFile;
import dev.comfy4j.nodes.Fingerprinted;
import dev.comfy4j.nodes.FolderFileInput;
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
import java.util.List;
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
                .input(Input.combo("latent", this::latentFiles).noOptions())
                .output(Output.of("LATENT"))
                .build();
    }

    private final Folders folders;
    private final FolderFileInput latent;

    public LoadLatent(Folders folders) {
        this.folders = folders;
        this.latent = new FolderFileInput(folders, "latent", "input", this::latentFiles, "Invalid latent file: ");
    }

    private List<String> latentFiles() {
        return ImageInputs.files(folders.input()).stream().filter(f -> f.endsWith(".latent")).toList();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        var path = latent.existingFile(in);
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            double multiplier = file.tensors().containsKey("latent_format_version_0") ? 1.0 : 1.0 / 0.18215;
            return NodeResult.of(Latent.of(ImageSupport.compute(() -> file.tensor("latent_tensor").to(DType.F32).mul(multiplier))));
        }
    }

    @Override
    public Object fingerprint(NodeInputs in) throws Exception {
        return latent.fingerprint(in);
    }

    @Override
    public Set<String> validatedInputs() {
        return Set.of("latent");
    }

    @Override
    public InputCheck validateInputs(NodeInputs in, Map<String, String> types) {
        return latent.validate(in);
    }
}
