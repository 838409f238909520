package dev.comfy4j.nodes;

import dev.comfy4j.files.Folders;
import dev.comfy4j.python.PyConvert;
import dev.comfy4j.python.PyError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An input that names a file of a folder, as LoadImage's {@code image} and LoadLatent's {@code latent}:
 * ComfyUI's annotated names ({@code "x.png [output]"} picks the output folder), confined to the folder
 * by {@link Folders#resolveInside}. Validation refuses a name that leaves its folder with
 * {@code value_not_in_list} (whether or not something exists there), and a missing file inside it with
 * the node's own message ({@code "Invalid image file: x.png"}), as ComfyUI's VALIDATE_INPUTS does.
 *
 * @param input the input's name
 * @param defaultFolder the folder of names without annotation ({@code input} for the load nodes)
 * @param choices the names the folder offers, quoted by the {@code value_not_in_list} error
 * @param invalidText the start of the message for a missing file ({@code "Invalid image file: "})
 */
public record FolderFileInput(Folders folders, String input, String defaultFolder, Supplier<List<String>> choices,
                              String invalidText) {
    /** Where the named file is inside its folder (it may not exist); empty when the name leaves the folder. */
    public Optional<Path> path(String name) {
        Folders.AnnotatedName a = Folders.annotated(name);
        return folders.resolveInside(a.type() == null ? defaultFolder : a.type(), a.name());
    }

    /** The existing file the input names, or ComfyUI's FileNotFoundError (the same text for a name outside). */
    public Path existingFile(NodeInputs in) {
        String name = in.string(input);
        return path(name).filter(Files::isRegularFile)
                .orElseThrow(() -> new PyError("FileNotFoundError", "No such file: '" + name + "'"));
    }

    /** IS_CHANGED: the SHA-256 of the file, or "" when there is no such file inside the folder. */
    public Object fingerprint(NodeInputs in) throws IOException {
        Object value = in.get(input);
        if (!(value instanceof String name)) return "";
        Optional<Path> path = path(name);
        return path.isPresent() && Files.isRegularFile(path.get()) ? sha256(path.get()) : "";
    }

    /** VALIDATE_INPUTS for this input. */
    public InputCheck validate(NodeInputs in) {
        Object value = in.get(input);
        if (value instanceof String name) {
            Optional<Path> path = path(name);
            if (path.isEmpty()) return InputCheck.notInList(input, choices.get());
            if (Files.isRegularFile(path.get())) return InputCheck.OK;
        }
        return InputCheck.failed(invalidText + PyConvert.toStr(value));
    }

    /** The SHA-256 hex digest of a file (LoadImage's IS_CHANGED). */
    public static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
