package dev.comfy4j.nodes.image;

import dev.comfy4j.files.Folders;
import dev.comfy4j.files.MimeTypes;
import dev.comfy4j.files.SafePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** folder_paths' input-file helpers: the sorted file listings, annotated names and the file hash. */
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
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** get_annotated_filepath: {@code "x.png [output]"} in the output folder, otherwise the default root. */
    public static Optional<Path> annotatedPath(Folders folders, String name, Path defaultRoot) {
        Folders.AnnotatedName a = Folders.annotated(name);
        Path root = a.type() == null ? defaultRoot : folders.directoryByType(a.type()).orElse(defaultRoot);
        return SafePaths.join(root, a.name());
    }

    /** exists_annotated_filepath. */
    public static boolean exists(Folders folders, String name, Path defaultRoot) {
        return annotatedPath(folders, name, defaultRoot).map(Files::isRegularFile).orElse(false);
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
