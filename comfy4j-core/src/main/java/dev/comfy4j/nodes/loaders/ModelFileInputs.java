package dev.comfy4j.nodes.loaders;

import dev.comfy4j.files.Folders;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.python.PyError;
import java.nio.file.Files;
import java.nio.file.Path;

/** A combo input listing the files of a model folder, and the path a chosen name stands for. */
final class ModelFileInputs {
    private ModelFileInputs() {}

    /** The combo of the files of {@code folderName} (ComfyUI's {@code folder_paths.get_filename_list}). */
    static Input combo(Folders folders, String inputName, String folderName) {
        return Input.combo(inputName, () -> folders.models().filenames(folderName));
    }

    /**
     * {@code folder_paths.get_full_path_or_raise}: the file {@code name} of {@code folderName}, never
     * outside it (links resolved). The error does not tell whether anything outside exists.
     */
    static Path require(Folders folders, String folderName, String name) {
        Path p = folders.resolveInside(folderName, name).orElse(null);
        if (p == null || !Files.isRegularFile(p)) {
            throw new PyError("FileNotFoundError",
                    "Model in folder '" + folderName + "' with filename '" + name + "' not found.");
        }
        return p;
    }
}
