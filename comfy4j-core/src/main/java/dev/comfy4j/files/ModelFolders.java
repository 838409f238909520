package dev.comfy4j.files;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * ComfyUI's model folder registry (API spec §13.3): folder name → search paths and accepted
 * extensions, in registration order. The loader nodes build their combos from {@link #filenames} and
 * open files through {@link #fullPath}.
 */
public final class ModelFolders {
    /** The "model set" of extensions most folders accept. */
    public static final Set<String> MODEL_EXTENSIONS =
            Set.of(".ckpt", ".pt", ".pt2", ".bin", ".pth", ".safetensors", ".pkl", ".sft");

    /** One registry entry. An empty extension set accepts every file. */
    public record Folder(List<Path> paths, Set<String> extensions) {}

    private static final Map<String, String> LEGACY = Map.of("unet", "diffusion_models", "clip", "text_encoders");

    private final Map<String, Folder> folders = new LinkedHashMap<>();

    /** The registry ComfyUI 0.3.64 starts with, rooted at {@code models} (and {@code base}/custom_nodes). */
    public static ModelFolders standard(Path base, Path models) {
        ModelFolders r = new ModelFolders();
        r.define("checkpoints", MODEL_EXTENSIONS, models.resolve("checkpoints"));
        r.define("configs", Set.of(".yaml"), models.resolve("configs"));
        r.define("loras", MODEL_EXTENSIONS, models.resolve("loras"));
        r.define("vae", MODEL_EXTENSIONS, models.resolve("vae"));
        r.define("text_encoders", MODEL_EXTENSIONS, models.resolve("text_encoders"), models.resolve("clip"));
        r.define("diffusion_models", MODEL_EXTENSIONS, models.resolve("unet"), models.resolve("diffusion_models"));
        r.define("clip_vision", MODEL_EXTENSIONS, models.resolve("clip_vision"));
        r.define("style_models", MODEL_EXTENSIONS, models.resolve("style_models"));
        r.define("embeddings", MODEL_EXTENSIONS, models.resolve("embeddings"));
        // "folder" is no extension at all: diffusers models are directories, so no file ever matches.
        r.define("diffusers", Set.of("folder"), models.resolve("diffusers"));
        r.define("vae_approx", MODEL_EXTENSIONS, models.resolve("vae_approx"));
        r.define("controlnet", MODEL_EXTENSIONS, models.resolve("controlnet"), models.resolve("t2i_adapter"));
        r.define("gligen", MODEL_EXTENSIONS, models.resolve("gligen"));
        r.define("upscale_models", MODEL_EXTENSIONS, models.resolve("upscale_models"));
        r.define("custom_nodes", Set.of(), base.resolve("custom_nodes"));
        r.define("hypernetworks", MODEL_EXTENSIONS, models.resolve("hypernetworks"));
        r.define("photomaker", MODEL_EXTENSIONS, models.resolve("photomaker"));
        // {""}: only files without an extension.
        r.define("classifiers", Set.of(""), models.resolve("classifiers"));
        r.define("model_patches", MODEL_EXTENSIONS, models.resolve("model_patches"));
        r.define("audio_encoders", MODEL_EXTENSIONS, models.resolve("audio_encoders"));
        return r;
    }

    private void define(String name, Set<String> extensions, Path... paths) {
        List<Path> list = new CopyOnWriteArrayList<>();
        for (Path p : paths) list.add(p.toAbsolutePath().normalize());
        folders.put(name, new Folder(list, extensions));
    }

    /** Appends the output-directory search paths that ComfyUI adds at start-up (after extra_model_paths). */
    public void addOutputSearchPaths(Path output) {
        for (String name : List.of("checkpoints", "clip", "vae", "diffusion_models", "loras")) {
            addPath(name, output.resolve(name), false);
        }
    }

    /**
     * Adds a search path: first when {@code first}, else last; a path already present moves to the front
     * or stays where it is. An unknown folder name becomes a new entry that accepts every file.
     */
    public synchronized void addPath(String folderName, Path path, boolean first) {
        String name = mapLegacy(folderName);
        Path p = path.toAbsolutePath().normalize();
        Folder f = folders.get(name);
        if (f == null) {
            define(name, Set.of(), p);
            return;
        }
        if (first) {
            f.paths().remove(p);
            f.paths().addFirst(p);
        } else if (!f.paths().contains(p)) {
            f.paths().add(p);
        }
    }

    public static String mapLegacy(String name) {
        return LEGACY.getOrDefault(name, name);
    }

    /** Folder names in registration order. */
    public synchronized List<String> names() {
        return List.copyOf(folders.keySet());
    }

    /** Whether {@code name} is a registry key (no legacy mapping, as {@code /models/{folder}}). */
    public synchronized boolean contains(String name) {
        return folders.containsKey(name);
    }

    /** The entry, legacy names mapped. */
    public synchronized Optional<Folder> folder(String name) {
        return Optional.ofNullable(folders.get(mapLegacy(name)));
    }

    /** The search paths of a folder (legacy names mapped); empty for an unknown folder. */
    public List<Path> searchPaths(String name) {
        return folder(name).map(f -> List.copyOf(f.paths())).orElse(List.of());
    }

    /**
     * The files of a folder as sorted, '/'-separated paths relative to their search path, across every
     * search path, duplicates removed, filtered by the folder's extensions. Recursive; skips .git;
     * follows symlinks. Unknown folders give an empty list.
     */
    public List<String> filenames(String folderName) {
        Optional<Folder> entry = folder(folderName);
        if (entry.isEmpty()) return List.of();
        TreeSet<String> names = new TreeSet<>();
        for (Path root : entry.get().paths()) {
            for (String rel : walk(root)) {
                if (accepts(entry.get().extensions(), rel)) names.add(rel);
            }
        }
        return new ArrayList<>(names);
    }

    /** The first search path holding {@code name} as a regular file; the name cannot climb out with "..". */
    public Optional<Path> fullPath(String folderName, String name) {
        Optional<Folder> entry = folder(folderName);
        if (entry.isEmpty() || name == null) return Optional.empty();
        // Normalised as if rooted, like os.path.relpath(os.path.join("/", name), "/").
        String rooted = Path.of("/").resolve(name.replace('\\', '/')).normalize().toString();
        String relative = rooted.replaceFirst("^/+", "");
        if (relative.isEmpty()) return Optional.empty();
        for (Path root : entry.get().paths()) {
            Path candidate = root.resolve(relative).normalize();
            if (Files.isRegularFile(candidate) && SafePaths.lexicallyInside(root, candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    static boolean accepts(Set<String> extensions, String name) {
        return extensions.isEmpty() || extensions.contains(SafePaths.extension(name).toLowerCase(Locale.ROOT));
    }

    private static List<String> walk(Path root) {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return dir.getFileName() != null && dir.getFileName().toString().equals(".git") && !dir.equals(root)
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (!attrs.isDirectory()) out.add(SafePaths.slashed(root.relativize(file)));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE; // symlink loops and unreadable entries are skipped
                }
            });
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
