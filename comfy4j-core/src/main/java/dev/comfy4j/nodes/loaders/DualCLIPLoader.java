package dev.comfy4j.nodes.loaders;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.nodes.Output;

/**
 * DualCLIPLoader: two text encoder files of {@code models/text_encoders} as one CLIP. Type {@code sdxl} (a
 * CLIP-L and a CLIP-G, in either order) gives the same SDXL CLIP as a checkpoint's; every other type ComfyUI
 * lists is accepted by validation and refused with a clear error when run.
 */
public final class DualCLIPLoader implements Node {
    private static final String[] TYPES = {"sdxl", "sd3", "flux", "hunyuan_video", "hidream", "hunyuan_image"};
    private final NodeServices services;

    public DualCLIPLoader(NodeServices services) {
        this.services = services;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("DualCLIPLoader", "nodes")
                .category("advanced/loaders")
                .description("[Recipes]\n\nsdxl: clip-l, clip-g\nsd3: clip-l, clip-g / clip-l, t5 / clip-g, t5\nflux: clip-l, t5\n"
                        + "hidream: at least one of t5 or llama, recommended t5 and llama\nhunyuan_image: qwen2.5vl 7b and byt5 small")
                .input(ModelFileInputs.combo(services.folders(), "clip_name1", "text_encoders").noOptions())
                .input(ModelFileInputs.combo(services.folders(), "clip_name2", "text_encoders").noOptions())
                .input(Input.combo("type", (Object[]) TYPES).noOptions())
                .input(Input.combo("device", "default", "cpu").option("advanced", true).optional())
                .output(Output.of("CLIP"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        var first = ModelFileInputs.require(services.folders(), "text_encoders", in.string("clip_name1"));
        var second = ModelFileInputs.require(services.folders(), "text_encoders", in.string("clip_name2"));
        return NodeResult.of(services.checkpoints().textEncoders(first, second, in.string("type")));
    }
}
