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
 * PreviewImage: SaveImage into the temp folder, prefix ComfyUI_temp_ plus 5 random letters, zlib level 1.
 */
public final class PreviewImage implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("PreviewImage", "nodes")
                .displayName("Preview Image")
                .category("image")
                .description("Saves the input images to your ComfyUI output directory.")
                .input(Input.of("images", "IMAGE").noOptions())
                .hidden("prompt", Hidden.PROMPT)
                .hidden("extra_pnginfo", Hidden.EXTRA_PNGINFO)
                .outputNode()
                .build();
    }

    private final Folders folders;
    private final String suffix = ImageSaver.tempSuffix();

    public PreviewImage(Folders folders) {
        this.folders = folders;
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var ui = ImageSaver.savePngs(ImageSupport.tensor(in.get("images"), "images"), "ComfyUI" + suffix,
                folders.temp(), "temp", 1, context.prompt(), context.extraPngInfo(), context.config().disableMetadata());
        return NodeResult.uiOnly(ui);
    }
}
