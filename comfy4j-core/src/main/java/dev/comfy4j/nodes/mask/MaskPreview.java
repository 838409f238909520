package dev.comfy4j.nodes.mask;

import dev.comfy4j.files.Folders;
import dev.comfy4j.nodes.Hidden;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.image.ImageSaver;
import dev.comfy4j.nodes.image.ImageSupport;
import dev.comfy4j.tensor.TensorScope;

/**
 * MaskPreview: the mask saved as a grey temp PNG (zlib level 4), like PreviewImage.
 */
public final class MaskPreview implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("MaskPreview", "comfy_extras.nodes_mask")
                .category("mask")
                .description("Saves the input images to your ComfyUI output directory.")
                .input(Input.of("mask", "MASK").noOptions())
                .hidden("prompt", Hidden.PROMPT)
                .hidden("extra_pnginfo", Hidden.EXTRA_PNGINFO)
                .outputNode()
                .build();
    }

    private final Folders folders;
    private final String suffix = ImageSaver.tempSuffix();

    public MaskPreview(Folders folders) {
        this.folders = folders;
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var mask = ImageSupport.tensor(in.get("mask"), "mask");
        try (TensorScope ignored = TensorScope.open()) {
            var preview = mask.reshape(-1, 1, mask.size(-2), mask.size(-1)).permute(0, 2, 3, 1).expand(-1, -1, -1, 3);
            return NodeResult.uiOnly(ImageSaver.savePngs(preview, "ComfyUI" + suffix, folders.temp(), "temp", 4,
                    context.prompt(), context.extraPngInfo(), context.config().disableMetadata()));
        }
    }
}
