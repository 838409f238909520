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
 * LoadImageMask: one channel of an input image as a MASK (alpha inverted), after Pillow's convert("RGBA").
 */
public final class LoadImageMask implements Node, Fingerprinted, ValidatesInputs {
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

    private final Folders folders;

    public LoadImageMask(Folders folders) {
        this.folders = folders;
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        String name = in.string("image");
        var path = ImageInputs.annotatedPath(folders, name, folders.input())
                .orElseThrow(() -> new dev.comfy4j.python.PyError("FileNotFoundError", "No such file: '" + name + "'"));
        var frame = ImageLoader.frames(path, name).getFirst();
        int channel = switch (in.string("channel")) {
            case "red" -> 0;
            case "green" -> 1;
            case "blue" -> 2;
            default -> 3;
        };
        return NodeResult.of(ImageSupport.compute(() -> ImageLoader.channel(frame, channel).unsqueeze(0)));
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
