package dev.comfy4j.nodes.loaders;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyError;
import java.util.ArrayList;
import java.util.List;

/**
 * VAELoader: a VAE file of {@code models/vae}. ComfyUI also lists {@code pixel_space} (the identity
 * "VAE" of pixel-space models); it is listed here too so workflows validate the same, and refused
 * when run since no pixel-space model exists in comfy4j yet.
 */
public final class VAELoader implements Node {
    static final String PIXEL_SPACE = "pixel_space";
    private final NodeServices services;

    public VAELoader(NodeServices services) {
        this.services = services;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("VAELoader", "nodes")
                .displayName("Load VAE")
                .category("loaders")
                .input(Input.combo("vae_name", this::names).noOptions())
                .output(Output.of("VAE"))
                .build();
    }

    private List<?> names() {
        List<String> names = new ArrayList<>(services.folders().models().filenames("vae"));
        names.add(PIXEL_SPACE);
        return names;
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        String name = in.string("vae_name");
        if (name.equals(PIXEL_SPACE)) {
            throw new PyError("RuntimeError", "the pixel_space VAE is for pixel-space models, which comfy4j does not run yet");
        }
        var file = ModelFileInputs.require(services.folders(), "vae", name);
        return NodeResult.of(services.checkpoints().vae(file));
    }
}
