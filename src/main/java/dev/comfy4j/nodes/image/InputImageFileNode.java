package dev.comfy4j.nodes.image;

import dev.comfy4j.files.Folders;
import dev.comfy4j.nodes.Fingerprinted;
import dev.comfy4j.nodes.InputCheck;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.ValidatesInputs;
import dev.comfy4j.python.PyConvert;
import dev.comfy4j.python.PyError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * What LoadImage and its relatives share: the {@code image} input names a file of the input folder
 * (or, annotated {@code "x.png [output]"}, of another root); IS_CHANGED is the file's hash, and
 * VALIDATE_INPUTS refuses a name that is not a file with "Invalid image file: ...".
 */
abstract class InputImageFileNode implements Node, Fingerprinted, ValidatesInputs {
    protected final Folders folders;

    protected InputImageFileNode(Folders folders) {
        this.folders = folders;
    }

    /** The file the {@code image} input names, or ComfyUI's FileNotFoundError. */
    protected Path imageFile(NodeInputs in) {
        String name = in.string("image");
        return ImageInputs.annotatedPath(folders, name, folders.input())
                .orElseThrow(() -> new PyError("FileNotFoundError", "No such file: '" + name + "'"));
    }

    @Override
    public Object fingerprint(NodeInputs in) throws Exception {
        var path = ImageInputs.annotatedPath(folders, in.string("image"), folders.input());
        return path.isPresent() && Files.isRegularFile(path.get()) ? ImageInputs.sha256(path.get()) : "";
    }

    @Override
    public Set<String> validatedInputs() {
        return Set.of("image");
    }

    @Override
    public InputCheck validateInputs(NodeInputs in, Map<String, String> types) {
        Object image = in.get("image");
        if (image instanceof String s && ImageInputs.exists(folders, s, folders.input())) return InputCheck.OK;
        return InputCheck.failed("Invalid image file: " + PyConvert.toStr(image));
    }
}
