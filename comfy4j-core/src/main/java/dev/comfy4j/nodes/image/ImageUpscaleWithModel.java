package dev.comfy4j.nodes.image;

import dev.comfy4j.model.upscale.TiledUpscale;
import dev.comfy4j.model.upscale.UpscaleModel;
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
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;

/**
 * ImageUpscaleWithModel: the image through an UPSCALE_MODEL in tiles of 512 (overlap 32, halved on
 * out-of-memory down to 128), progress per tile, output clamped to [0, 1]. Before it runs, idle models are
 * unloaded to make room for ComfyUI's estimate of the memory the upscale needs. Interrupts are also checked
 * between the network's blocks, not only per tile.
 */
public final class ImageUpscaleWithModel implements Node {
    /** ComfyUI's rough factor: working memory per pixel of a 512x512x3 tile, per unit of scale. */
    private static final double MEMORY_FACTOR = 384.0;
    private final NodeServices services;

    public ImageUpscaleWithModel(NodeServices services) {
        this.services = services;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("ImageUpscaleWithModel", "comfy_extras.nodes_upscale_model")
                .displayName("Upscale Image (using Model)")
                .category("image/upscaling")
                .input(Input.of("upscale_model", "UPSCALE_MODEL"))
                .input(Input.of("image", "IMAGE"))
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        if (!(in.get("upscale_model") instanceof UpscaleModelHandle handle)) {
            throw PyError.typeError("upscale_model must be an UPSCALE_MODEL");
        }
        Tensor image = ImageSupport.tensor(in.get("image"), "image");
        try (var lease = handle.acquire(); TensorScope ignored = TensorScope.open()) {
            UpscaleModel model = lease.model();
            if (image.size(3) != model.inputChannels()) {
                throw new PyError("RuntimeError", "the upscale model takes images of " + model.inputChannels()
                        + " channels, this image has " + image.size(3));
            }
            services.models().freeMemory(workingMemory(model, image));
            Tensor out = TiledUpscale.run(model, image, context::progress, context::checkInterrupt);
            return NodeResult.of(out.escapeScope());
        }
    }

    /** ComfyUI's estimate, without the model (already loaded here): the tile working memory and the image. */
    static long workingMemory(UpscaleModel model, Tensor image) {
        double tile = 512.0 * 512 * 3 * 4 * Math.max(model.scale(), 1.0) * MEMORY_FACTOR;
        return (long) tile + image.nbytes();
    }
}
