package dev.comfy4j.nodes.image;

import dev.comfy4j.files.Folders;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/**
 * LoadImage: an image file of the input folder as an IMAGE batch (all frames) and its inverted alpha as MASK.
 */
public final class LoadImage extends InputImageFileNode {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("LoadImage", "nodes")
                .displayName("Load Image")
                .category("image")
                .input(Input.combo("image", () -> ImageInputs.imageFiles(folders)).option("image_upload", true))
                .output(Output.of("IMAGE"))
                .output(Output.of("MASK"))
                .build();
    }

    public LoadImage(Folders folders) {
        super(folders);
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        String name = in.string("image");
        var path = imageFile(in);
        return NodeResult.of(ImageLoader.load(path, name).toArray());
    }
}
