package dev.comfy4j.files;

import dev.comfy4j.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's file roots (API spec §10, §13.3): input, output and temp for the file routes, the user
 * directory for settings and user data, and the model folder registry. Created at start-up; the temp
 * root is emptied at start-up and again at {@link #close()}, as ComfyUI does.
 */
public final class Folders implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Folders.class);

    /** A file name with its optional {@code " [type]"} annotation split off. */
    public record AnnotatedName(String name, String type) {}

    private final Path input;
    private final Path output;
    private final Path temp;
    private final Path user;
    private final Path base;
    private final ModelFolders models;

    public Folders(Path base, Path input, Path output, Path temp, Path user, ModelFolders models) {
        this.base = base.toAbsolutePath().normalize();
        this.input = input.toAbsolutePath().normalize();
        this.output = output.toAbsolutePath().normalize();
        this.temp = temp.toAbsolutePath().normalize();
        this.user = user.toAbsolutePath().normalize();
        this.models = models;
    }

    /** The roots of a configuration, created (temp wiped), with the model registry ComfyUI builds at start. */
    public static Folders create(ServerConfig config) {
        ModelFolders models = ModelFolders.standard(config.baseDirectory(), config.modelsDirectory());
        ExtraModelPaths.loadIfPresent(config.baseDirectory().resolve("extra_model_paths.yaml"), models);
        for (Path yaml : config.extraModelPathsConfigs()) ExtraModelPaths.load(yaml, models);
        models.addOutputSearchPaths(config.outputDirectory());
        Folders folders = new Folders(config.baseDirectory(), config.inputDirectory(), config.outputDirectory(),
                config.tempDirectory(), config.userDirectory(), models);
        folders.prepare();
        return folders;
    }

    private void prepare() {
        deleteTree(temp);
        try {
            for (Path p : new Path[] {input, output, temp, user}) Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the server folders", e);
        }
    }

    public Path base() { return base; }

    public Path input() { return input; }

    public Path output() { return output; }

    public Path temp() { return temp; }

    public Path user() { return user; }

    public ModelFolders models() { return models; }

    /** The root of {@code input}, {@code output} or {@code temp}; empty for any other name. */
    public Optional<Path> directoryByType(String type) {
        if (type == null) return Optional.empty();
        return switch (type) {
            case "input" -> Optional.of(input);
            case "output" -> Optional.of(output);
            case "temp" -> Optional.of(temp);
            default -> Optional.empty();
        };
    }

    /**
     * Where a file name taken from a prompt lies inside a folder: {@code input}, {@code output},
     * {@code temp} or a model folder of the registry ({@code checkpoints}, {@code vae}, ... with every
     * search path, extra_model_paths.yaml included). The name is relative; it may name a subfolder
     * ({@code "sub/x.png"}). For a model folder the first search path holding the name as a regular file
     * wins, else the first search path is where it would be.
     *
     * <p>Empty when the name leaves the folder: an absolute path, {@code ..} climbing out, or (for
     * input, output and temp) a symlink on the way that resolves outside its search path (in any of them) (the same test as the file routes, {@link SafePaths#inside}). Empty
     * also for a name that is not a path at all and for an unknown folder. The answer never depends on
     * whether something outside exists, so callers cannot leak that in their errors. The returned path
     * may not exist: callers check that themselves (a missing file inside the folder is an ordinary error).
     */
    public Optional<Path> resolveInside(String folderName, String name) {
        if (name == null || name.isEmpty() || folderName == null) return Optional.empty();
        Optional<Path> byType = directoryByType(folderName);
        List<Path> roots = byType.map(List::of).orElseGet(() -> models.searchPaths(folderName));
        // Model folders follow links placed in them, as ComfyUI does (people link checkpoints kept
        // elsewhere); only the administrator can put a link there. input/output/temp, which clients
        // write to, do not.
        boolean followLinks = byType.isEmpty();
        Optional<Path> first = Optional.empty();
        for (Path root : roots) {
            Optional<Path> candidate = followLinks ? lexicallyInside(root, name) : insideOne(root, name);
            // Leaving any search path (a link in one of them) refuses the name, rather than trying the next.
            if (candidate.isEmpty()) return Optional.empty();
            if (Files.isRegularFile(candidate.get())) return candidate;
            if (first.isEmpty()) first = candidate;
        }
        return first;
    }

    /** {@code name} under {@code root} when it is relative and no {@code ..} leaves the root; links are not resolved. */
    private static Optional<Path> lexicallyInside(Path root, String name) {
        Path relative;
        try {
            relative = Path.of(name);
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        if (relative.isAbsolute()) return Optional.empty();
        Path normalRoot = root.toAbsolutePath().normalize();
        Path candidate = normalRoot.resolve(relative).normalize();
        return candidate.startsWith(normalRoot) && !candidate.equals(normalRoot) ? Optional.of(candidate) : Optional.empty();
    }

    private static Optional<Path> insideOne(Path root, String name) {
        Path relative;
        try {
            relative = Path.of(name);
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        if (relative.isAbsolute()) return Optional.empty();
        Path candidate = root.resolve(relative).toAbsolutePath().normalize();
        if (candidate.equals(root.toAbsolutePath().normalize())) return Optional.empty();
        return SafePaths.inside(root, candidate) ? Optional.of(candidate) : Optional.empty();
    }

    /** Splits {@code "x.png [output]"} into the name and its type; the type is null without annotation. */
    public static AnnotatedName annotated(String name) {
        for (String type : new String[] {"output", "input", "temp"}) {
            String suffix = " [" + type + "]";
            if (name.endsWith(suffix)) return new AnnotatedName(name.substring(0, name.length() - suffix.length()), type);
        }
        return new AnnotatedName(name, null);
    }

    @Override
    public void close() {
        deleteTree(temp);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("Could not empty the temp folder {}: {}", root, e.getMessage());
        }
    }
}
