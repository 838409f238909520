package dev.comfy4j.nodes.image;

import dev.comfy4j.files.Folders;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;

/**
 * WebcamCapture: LoadImage of the uploaded capture (width and height only matter to the frontend).
 */
public final class WebcamCapture extends InputImageFileNode {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("WebcamCapture", "comfy_extras.nodes_webcam")
                .displayName("Webcam Capture")
                .category("image")
                .input(Input.of("image", "WEBCAM"))
                .input(Input.of("width", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 1))
                .input(Input.of("height", "INT").option("default", 0).option("min", 0).option("max", 16384).option("step", 1))
                .input(Input.of("capture_on_queue", "BOOLEAN").option("default", true))
                .output(Output.of("IMAGE"))
                .build();
    }

    public WebcamCapture(Folders folders) {
        super(folders);
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        String name = in.string("image");
        var path = imageFile(in);
        return NodeResult.of(ImageLoader.load(path, name).toArray());
    }
}
