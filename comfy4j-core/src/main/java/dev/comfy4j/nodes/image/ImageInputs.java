package dev.comfy4j.nodes.image;

import dev.comfy4j.files.Folders;
import dev.comfy4j.files.MimeTypes;
import dev.comfy4j.files.SafePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** folder_paths' input-file listings, sorted as ComfyUI sorts them. */
public final class ImageInputs {
    private ImageInputs() {}

    /** Files directly in the input folder whose guessed type is an image, sorted (LoadImage's combo). */
    public static List<String> imageFiles(Folders folders) {
        return files(folders.input()).stream().filter(MimeTypes::isImage).toList();
    }

    /** Files directly in {@code dir}, sorted by name (Python sorts by code point). */
    public static List<String> files(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            // A link that leaves the folder is not offered: the load nodes refuse it (Folders.resolveInside).
            return s.filter(p -> Files.isRegularFile(p) && SafePaths.inside(dir, p)).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

}
