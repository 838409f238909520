package dev.comfy4j.nodes.image;

import dev.comfy4j.files.Folders;
import dev.comfy4j.nodes.Fingerprinted;
import dev.comfy4j.nodes.FolderFileInput;
import dev.comfy4j.nodes.InputCheck;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.ValidatesInputs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What LoadImage and its relatives share: the {@code image} input names a file of the input folder
 * (or, annotated {@code "x.png [output]"}, of another root), never one outside it; IS_CHANGED is the
 * file's hash, and VALIDATE_INPUTS refuses a missing file with "Invalid image file: ..." and a name
 * that leaves its folder with {@code value_not_in_list}.
 */
abstract class InputImageFileNode implements Node, Fingerprinted, ValidatesInputs {
    protected final Folders folders;
    private final FolderFileInput image;

    protected InputImageFileNode(Folders folders) {
        this.folders = folders;
        this.image = new FolderFileInput(folders, "image", "input", this::choices, "Invalid image file: ");
    }

    /** The names the node offers (quoted when a name is refused). */
    protected List<String> choices() {
        return ImageInputs.imageFiles(folders);
    }

    /** The file the {@code image} input names, or ComfyUI's FileNotFoundError. */
    protected Path imageFile(NodeInputs in) {
        return image.existingFile(in);
    }

    @Override
    public Object fingerprint(NodeInputs in) throws Exception {
        return image.fingerprint(in);
    }

    @Override
    public Set<String> validatedInputs() {
        return Set.of("image");
    }

    @Override
    public InputCheck validateInputs(NodeInputs in, Map<String, String> types) {
        return image.validate(in);
    }
}
