package dev.comfy4j.nodes.image;

import dev.comfy4j.files.Folders;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import static dev.comfy4j.nodes.image.ImageSupport.orderedMap;

/**
 * LoadImageOutput: LoadImage for names like "x.png [output]" picked from the output folder.
 */
public final class LoadImageOutput extends InputImageFileNode {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("LoadImageOutput", "nodes")
                .displayName("Load Image (from Outputs)")
                .category("image")
                .description("Load an image from the output folder. When the refresh button is clicked, the node will update the image list and automatically select the first image, allowing for easy iteration.")
                .input(Input.of("image", "COMBO").option("image_upload", true).option("image_folder", "output").option("remote", orderedMap("route", "/internal/files/output", "refresh_button", true, "control_after_refresh", "first")))
                .output(Output.of("IMAGE"))
                .output(Output.of("MASK"))
                .experimental()
                .build();
    }

    public LoadImageOutput(Folders folders) {
        super(folders);
    }

    /** The output folder's images, annotated as the frontend sends them. */
    @Override
    protected java.util.List<String> choices() {
        return ImageInputs.files(folders.output()).stream().filter(dev.comfy4j.files.MimeTypes::isImage)
                .map(f -> f + " [output]").toList();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        String name = in.string("image");
        var path = imageFile(in);
        return NodeResult.of(ImageLoader.load(path, name).toArray());
    }
}
