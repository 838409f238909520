package dev.comfy4j.files;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A folder of resources the application ships (workflow templates), as a {@link Path}: a plain folder
 * when running from {@code target/classes}, a folder inside the jar's file system when running from
 * the jar. Either way the static-file code reads it like any other folder.
 */
public final class ClasspathFolder {
    private ClasspathFolder() {}

    /**
     * @param loader where to look
     * @param name the folder's resource name without leading slash, e.g. {@code comfy4j/templates}
     * @param marker a file the folder holds, found to locate it (a folder has no portable resource URL)
     */
    public static Optional<Path> locate(ClassLoader loader, String name, String marker) {
        URL url = loader.getResource(name + "/" + marker);
        if (url == null) return Optional.empty();
        try {
            URI uri = url.toURI();
            Path markerPath = switch (uri.getScheme()) {
                case "file" -> Path.of(uri);
                case "jar" -> jarFileSystem(uri).provider().getPath(uri);
                default -> null;
            };
            return markerPath == null ? Optional.empty() : Optional.of(markerPath.getParent());
        } catch (URISyntaxException | IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The jar's file system, opened once per jar and kept open for the life of the process. */
    private static FileSystem jarFileSystem(URI uri) throws IOException {
        try {
            return FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
            return FileSystems.getFileSystem(uri);
        }
    }
}
