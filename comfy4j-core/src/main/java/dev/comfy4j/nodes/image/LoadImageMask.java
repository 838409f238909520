package dev.comfy4j.nodes.image;

import dev.comfy4j.files.Folders;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/**
 * LoadImageMask: one channel of an input image as a MASK (alpha inverted), after Pillow's convert("RGBA").
 */
public final class LoadImageMask extends InputImageFileNode {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("LoadImageMask", "nodes")
                .displayName("Load Image (as Mask)")
                .category("mask")
                .input(Input.combo("image", () -> ImageInputs.imageFiles(folders)).option("image_upload", true))
                .input(Input.combo("channel", "alpha", "red", "green", "blue").noOptions())
                .output(Output.of("MASK"))
                .build();
    }

    public LoadImageMask(Folders folders) {
        super(folders);
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        String name = in.string("image");
        var path = imageFile(in);
        var frame = ImageLoader.frames(path, name).getFirst();
        int channel = switch (in.string("channel")) {
            case "red" -> 0;
            case "green" -> 1;
            case "blue" -> 2;
            default -> 3;
        };
        return NodeResult.of(ImageSupport.compute(() -> ImageLoader.channel(frame, channel).unsqueeze(0)));
    }
}
