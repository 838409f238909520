package dev.comfy4j.nodes.image;

import dev.comfy4j.files.Folders;
import dev.comfy4j.nodes.Fingerprinted;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.InputCheck;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.ValidatesInputs;
import java.util.Map;
import java.util.Set;

/**
 * WebcamCapture: LoadImage of the uploaded capture (width and height only matter to the frontend).
 */
public final class WebcamCapture implements Node, Fingerprinted, ValidatesInputs {
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

    private final Folders folders;

    public WebcamCapture(Folders folders) {
        this.folders = folders;
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        String name = in.string("image");
        var path = ImageInputs.annotatedPath(folders, name, folders.input())
                .orElseThrow(() -> new dev.comfy4j.python.PyError("FileNotFoundError", "No such file: '" + name + "'"));
        return NodeResult.of(ImageLoader.load(path, name).toArray());
    }

    @Override
    public Object fingerprint(NodeInputs in) throws Exception {
        var path = ImageInputs.annotatedPath(folders, in.string("image"), folders.input());
        return path.isPresent() && java.nio.file.Files.isRegularFile(path.get()) ? ImageInputs.sha256(path.get()) : "";
    }

    @Override
    public Set<String> validatedInputs() {
        return Set.of("image");
    }

    @Override
    public InputCheck validateInputs(NodeInputs in, Map<String, String> types) {
        Object image = in.get("image");
        if (image instanceof String s && ImageInputs.exists(folders, s, folders.input())) return InputCheck.OK;
        return InputCheck.failed("Invalid image file: " + dev.comfy4j.python.PyConvert.toStr(image));
    }
}
