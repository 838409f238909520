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
 * CLIPLoader: a text encoder file of {@code models/text_encoders}. Every type ComfyUI lists is accepted by
 * validation; what the file holds and the type choose the CLIP as in ComfyUI (a CLIP-L is SD1's CLIP, a CLIP-G
 * the SDXL refiner's, see {@code Checkpoints.textEncoder}); encoders comfy4j does not have fail with a clear
 * error when run.
 */
public final class CLIPLoader implements Node {
    private static final String[] TYPES = {"stable_diffusion", "stable_cascade", "sd3", "stable_audio", "mochi", "ltxv",
        "pixart", "cosmos", "lumina2", "wan", "hidream", "chroma", "ace", "omnigen2", "qwen_image", "hunyuan_image"};
    private final NodeServices services;

    public CLIPLoader(NodeServices services) {
        this.services = services;
    }

    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("CLIPLoader", "nodes")
                .displayName("Load CLIP")
                .category("advanced/loaders")
                .description("[Recipes]\n\nstable_diffusion: clip-l\nstable_cascade: clip-g\nsd3: t5 xxl/ clip-g / clip-l\n"
                        + "stable_audio: t5 base\nmochi: t5 xxl\ncosmos: old t5 xxl\nlumina2: gemma 2 2B\nwan: umt5 xxl\n"
                        + " hidream: llama-3.1 (Recommend) or t5\nomnigen2: qwen vl 2.5 3B")
                .input(ModelFileInputs.combo(services.folders(), "clip_name", "text_encoders").noOptions())
                .input(Input.combo("type", (Object[]) TYPES).noOptions())
                .input(Input.combo("device", "default", "cpu").option("advanced", true).optional())
                .output(Output.of("CLIP"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        var file = ModelFileInputs.require(services.folders(), "text_encoders", in.string("clip_name"));
        return NodeResult.of(services.checkpoints().textEncoder(file, in.string("type")));
    }
}
