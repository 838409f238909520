package dev.comfy4j.nodes.loaders;

import dev.comfy4j.model.upscale.UnsupportedUpscaleModelException;
import dev.comfy4j.model.upscale.UpscaleModelHandle;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyError;

/**
 * UpscaleModelLoader: an ESRGAN-family model of {@code models/upscale_models}. As in ComfyUI the file is
 * loaded and its architecture detected here, so a file of an unknown layout fails this node; the value
 * handed on is a handle whose weights the model manager keeps.
 */
public final class UpscaleModelLoader implements Node {
    static final String FOLDER = "upscale_models";
    private final NodeServices services;

    public UpscaleModelLoader(NodeServices services) {
        this.services = services;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("UpscaleModelLoader", "comfy_extras.nodes_upscale_model")
                .displayName("Load Upscale Model")
                .category("loaders")
                .input(Input.combo("model_name", () -> services.folders().models().filenames(FOLDER)))
                .output(Output.of("UPSCALE_MODEL"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        var file = ModelFileInputs.require(services.folders(), FOLDER, in.string("model_name"));
        var handle = new UpscaleModelHandle(services.models(), file, services::computeDevice);
        try (var loaded = handle.acquire()) {
            return NodeResult.of(handle);
        } catch (UnsupportedUpscaleModelException e) {
            throw new PyError(UnsupportedUpscaleModelException.PYTHON_TYPE, e.getMessage(), e);
        }
    }
}
