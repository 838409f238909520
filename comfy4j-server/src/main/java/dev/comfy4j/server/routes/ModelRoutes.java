package dev.comfy4j.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.imaging.DecodedImage;
import dev.comfy4j.imaging.ImageEncoders;
import dev.comfy4j.files.MimeTypes;
import dev.comfy4j.files.ModelFolders;
import dev.comfy4j.files.SafePaths;
import dev.comfy4j.files.Safetensors;
import dev.comfy4j.json.Json;
import dev.comfy4j.server.Exchange;
import dev.comfy4j.server.HttpError;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The model listings: {@code /models}, {@code /models/{folder}}, {@code /embeddings} and the
 * {@code /experiment/models} family with previews (API spec §11.1).
 */
public final class ModelRoutes implements RouteFamily {
    private static final Set<String> NOT_IN_EXPERIMENT = Set.of("configs", "custom_nodes");

    private final ModelFolders models;

    public ModelRoutes(ModelFolders models) {
        this.models = models;
    }

    @Override
    public void register(Router router) {
        router.get("/embeddings", ex -> {
            ArrayNode out = Json.array();
            models.filenames("embeddings").forEach(f -> out.add(SafePaths.stripExtension(f)));
            ex.json(out);
        });
        router.get("/models", ex -> {
            ArrayNode out = Json.array();
            models.names().forEach(out::add);
            ex.json(out);
        });
        router.get("/models/{folder}", ex -> {
            String folder = ex.pathParam("folder");
            if (!models.contains(folder)) throw HttpError.empty(404);
            ArrayNode out = Json.array();
            models.filenames(folder).forEach(out::add);
            ex.json(out);
        });
        router.get("/experiment/models", this::experimentFolders);
        router.get("/experiment/models/{folder}", this::experimentFiles);
        router.get("/experiment/models/preview/{folder}/{path_index}/{filename:.*}", this::preview);
    }

    private void experimentFolders(Exchange ex) {
        ArrayNode out = Json.array();
        for (String name : models.names()) {
            if (NOT_IN_EXPERIMENT.contains(name)) continue;
            ObjectNode entry = out.addObject();
            entry.put("name", name);
            ArrayNode paths = entry.putArray("folders");
            models.searchPaths(name).forEach(p -> paths.add(p.toString()));
        }
        ex.json(out);
    }

    private void experimentFiles(Exchange ex) throws IOException {
        String folder = ex.pathParam("folder");
        if (!models.contains(folder)) throw HttpError.empty(404);
        ArrayNode out = Json.array();
        List<Path> paths = models.searchPaths(folder);
        for (int index = 0; index < paths.size(); index++) {
            Path root = paths.get(index);
            if (Files.isDirectory(root)) walk(root, root, index, out, new HashSet<>());
        }
        ex.json(out);
    }

    /** os.walk order with the reference's filters: hidden entries and .git skipped, model extensions only. */
    private static void walk(Path root, Path dir, int pathIndex, ArrayNode out, Set<Path> visited) throws IOException {
        if (!visited.add(dir.toRealPath())) return; // a symlink loop
        List<Path> files = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) continue;
                if (Files.isDirectory(p)) dirs.add(p);
                else files.add(p);
            }
        } catch (IOException e) {
            return;
        }
        files.sort(null);
        dirs.sort(null);
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (!ModelFolders.MODEL_EXTENSIONS.contains(SafePaths.extension(name).toLowerCase(Locale.ROOT))) continue;
            try {
                BasicFileAttributes attrs = Files.readAttributes(f, BasicFileAttributes.class);
                ObjectNode entry = out.addObject();
                entry.put("name", SafePaths.slashed(root.relativize(f)));
                entry.put("pathIndex", pathIndex);
                entry.put("modified", seconds(attrs.lastModifiedTime()));
                entry.put("created", seconds(changeTime(f, attrs)));
                entry.put("size", attrs.size());
            } catch (IOException e) {
                // vanished or unreadable: skipped, as the reference does
            }
        }
        for (Path d : dirs) walk(root, d, pathIndex, out, visited);
    }

    /** Python's getctime: the inode change time on Linux, the creation time elsewhere. */
    static FileTime changeTime(Path f, BasicFileAttributes attrs) {
        try {
            return (FileTime) Files.getAttribute(f, "unix:ctime");
        } catch (IOException | RuntimeException e) {
            return attrs.creationTime();
        }
    }

    static double seconds(FileTime t) {
        var i = t.toInstant();
        return i.getEpochSecond() + i.getNano() / 1e9;
    }

    private void preview(Exchange ex) throws IOException {
        String folder = ex.pathParam("folder");
        if (!models.contains(folder)) throw HttpError.empty(404);
        int index;
        try {
            index = Integer.parseInt(ex.pathParam("path_index"));
        } catch (NumberFormatException e) {
            throw HttpError.badRequest("path_index must be an integer");
        }
        List<Path> paths = models.searchPaths(folder);
        if (index < 0 || index >= paths.size()) throw HttpError.empty(404);
        Path root = paths.get(index);
        // The reference joins the name without a check; we keep the model inside its search path.
        Path model = SafePaths.join(root, ex.pathParam("filename")).orElseThrow(() -> HttpError.empty(404));
        if (!SafePaths.inside(root, model)) throw HttpError.empty(404);
        for (byte[] candidate : previewCandidates(root, model)) {
            Optional<DecodedImage> img = DecodedImage.decode(candidate);
            if (img.isPresent()) {
                DecodedImage i = img.get();
                ex.bytes(200, "image/webp", ImageEncoders.webp(i.width(), i.height(), i.argb(), i.rgbaMode()));
                return;
            }
            break; // only the first candidate counts; unreadable means 404
        }
        throw HttpError.empty(404);
    }

    /** {@code base.<img>} and {@code base.preview.<img>} beside the model, then safetensors cover images. */
    private static List<byte[]> previewCandidates(Path root, Path model) throws IOException {
        List<byte[]> out = new ArrayList<>();
        Path dir = model.getParent();
        if (dir == null || !Files.isDirectory(dir)) return out;
        String fileName = model.getFileName().toString();
        String base = SafePaths.stripExtension(fileName);
        List<Path> matches = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                if (n.startsWith(base + ".") && (!n.startsWith(".") || base.startsWith("."))) matches.add(p);
            }
        }
        matches.sort(null);
        for (Path p : matches) {
            String n = p.getFileName().toString();
            if (!MimeTypes.isImage(n) || !Files.isRegularFile(p) || !SafePaths.inside(root, p)) continue;
            String stem = SafePaths.stripExtension(n);
            if (stem.equals(base) || stem.equals(base + ".preview")) out.add(Files.readAllBytes(p));
        }
        Optional<Path> safetensors = matches.stream().filter(p -> p.getFileName().toString().endsWith(".safetensors")).findFirst();
        if (safetensors.isPresent() && SafePaths.inside(root, safetensors.get())) {
            JsonNode covers = Safetensors.header(safetensors.get(), 8L * 1024 * 1024)
                    .map(h -> h.path("__metadata__").path("ssmd_cover_images")).orElse(null);
            if (covers != null && covers.isTextual()) {
                try {
                    JsonNode list = Json.parse(covers.asText());
                    if (list != null && list.isArray()) {
                        for (JsonNode b64 : list) if (b64.isTextual()) out.add(Base64.getMimeDecoder().decode(b64.asText()));
                    }
                } catch (IOException | IllegalArgumentException e) {
                    // malformed cover list: no embedded previews
                }
            }
        }
        return out;
    }
}
