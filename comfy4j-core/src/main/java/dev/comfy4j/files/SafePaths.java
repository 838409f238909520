package dev.comfy4j.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Containment checks used by every file route. A path is inside a root when its normalised form lies
 * under the root (ComfyUI's {@code commonpath} test) and, in addition, when whatever part of it already
 * exists resolves (symlinks followed) to a place under the root's real path. The second test is ours:
 * ComfyUI follows symlinks out of its folders, we never serve or write through them.
 */
public final class SafePaths {
    private SafePaths() {}

    /** {@code root} joined with {@code relative}, normalised; empty when the name is not a valid path. */
    public static Optional<Path> join(Path root, String relative) {
        try {
            return Optional.of(root.resolve(relative).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** The lexical test: {@code path} (normalised) is {@code root} or lies below it. */
    public static boolean lexicallyInside(Path root, Path path) {
        return path.toAbsolutePath().normalize().startsWith(root.toAbsolutePath().normalize());
    }

    /** Both tests: lexical containment, then containment of the real paths (symlinks followed). */
    public static boolean inside(Path root, Path path) {
        Path normal = path.toAbsolutePath().normalize();
        Path normalRoot = root.toAbsolutePath().normalize();
        if (!normal.startsWith(normalRoot)) return false;
        Optional<Path> realRoot = realOf(normalRoot);
        Optional<Path> real = realOf(normal);
        return realRoot.isPresent() && real.isPresent() && real.get().startsWith(realRoot.get());
    }

    /**
     * The real path of the deepest existing ancestor with the not-yet-existing rest appended; empty for a
     * dangling symlink on the way (refused rather than guessed).
     */
    private static Optional<Path> realOf(Path normal) {
        Path existing = normal;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
        if (existing == null) return Optional.of(normal);
        try {
            if (!Files.exists(existing)) return Optional.empty();
            return Optional.of(existing.toRealPath().resolve(existing.relativize(normal)).normalize());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Python's {@code os.path.splitext(name)[1]}: the last dot of the last component, ignoring leading dots. */
    public static String extension(String name) {
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        String last = name.substring(slash + 1);
        int dot = last.lastIndexOf('.');
        if (dot <= 0) return "";
        int firstNonDot = 0;
        while (firstNonDot < last.length() && last.charAt(firstNonDot) == '.') firstNonDot++;
        if (dot < firstNonDot) return "";
        return last.substring(dot);
    }

    /** The name without {@link #extension}. */
    public static String stripExtension(String name) {
        return name.substring(0, name.length() - extension(name).length());
    }

    /** A relative path written with forward slashes whatever the OS separator. */
    public static String slashed(Path relative) {
        return relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
    }
}
