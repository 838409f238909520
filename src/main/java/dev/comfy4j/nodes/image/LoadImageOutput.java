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
import static dev.comfy4j.nodes.image.ImageSupport.orderedMap;

/**
 * LoadImageOutput: LoadImage for names like "x.png [output]" picked from the output folder.
 */
public final class LoadImageOutput implements Node, Fingerprinted, ValidatesInputs {
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

    private final Folders folders;

    public LoadImageOutput(Folders folders) {
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
