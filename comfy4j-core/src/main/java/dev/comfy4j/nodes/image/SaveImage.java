package dev.comfy4j.nodes.image;

import dev.comfy4j.files.Folders;
import dev.comfy4j.nodes.Hidden;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;

/**
 * SaveImage: one PNG per batch item in the output folder, with the prompt and extra_pnginfo in tEXt chunks (zlib level 4).
 */
public final class SaveImage implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("SaveImage", "nodes")
                .displayName("Save Image")
                .category("image")
                .description("Saves the input images to your ComfyUI output directory.")
                .input(Input.of("images", "IMAGE").option("tooltip", "The images to save."))
                .input(Input.of("filename_prefix", "STRING").option("default", "ComfyUI").option("tooltip", "The prefix for the file to save. This may include formatting information such as %date:yyyy-MM-dd% or %Empty Latent Image.width% to include values from nodes."))
                .hidden("prompt", Hidden.PROMPT)
                .hidden("extra_pnginfo", Hidden.EXTRA_PNGINFO)
                .outputNode()
                .build();
    }

    private final Folders folders;

    public SaveImage(Folders folders) {
        this.folders = folders;
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var ui = ImageSaver.savePngs(ImageSupport.tensor(in.get("images"), "images"), in.string("filename_prefix"),
                folders.output(), "output", 4, context.prompt(), context.extraPngInfo(), context.config().disableMetadata());
        return NodeResult.uiOnly(ui);
    }
}
