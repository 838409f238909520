package dev.comfy4j.nodes.loaders;

import dev.comfy4j.model.ModelFileException;
import dev.comfy4j.model.hypernetwork.Hypernetwork;
import dev.comfy4j.model.hypernetwork.HypernetworkPatch;
import dev.comfy4j.model.options.ModelOptions;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.nodes.FiniteFloats;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyError;
import java.nio.file.Path;

/**
 * HypernetworkLoader: a hypernetwork of {@code models/hypernetworks} ({@link Hypernetwork}) on the MODEL.
 * ComfyUI sets it as the model's {@code attn1_patch} and {@code attn2_patch}. The file is read and checked
 * here, so a file that is no hypernetwork fails this node naming it; the patch
 * ({@link HypernetworkPatch}) loads it again through the model manager when the UNet runs.
 */
public final class HypernetworkLoader implements Node {
    private final NodeServices services;

    public HypernetworkLoader(NodeServices services) {
        this.services = services;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("HypernetworkLoader", "comfy_extras.nodes_hypernetwork")
                .category("loaders")
                .input(Input.of("model", "MODEL").noOptions())
                .input(ModelFileInputs.combo(services.folders(), "hypernetwork_name", "hypernetworks").noOptions())
                .input(Input.floating("strength").defaultValue(1.0).min(-10.0).max(10.0).step(0.01))
                .output(Output.of("MODEL"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        ModelHandle model = in.as("model", ModelHandle.class);
        double strength = FiniteFloats.of(in, "strength");
        Path file = ModelFileInputs.require(services.folders(), "hypernetworks", in.string("hypernetwork_name"));
        try (Hypernetwork ignored = Hypernetwork.read(file)) {
            // read once here so that a file that is no hypernetwork fails this node, naming it
        } catch (ModelFileException e) {
            // The exception's message starts with the file name.
            throw new PyError("RuntimeError", "ERROR: could not load the hypernetwork " + e.getMessage(), e);
        }
        HypernetworkPatch patch = new HypernetworkPatch(services.models(), file, strength);
        ModelOptions options = model.options();
        return NodeResult.of(model.withOptions(options.withTransformerPatches(options.transformerPatches().withAttn1(patch).withAttn2(patch))));
    }
}
