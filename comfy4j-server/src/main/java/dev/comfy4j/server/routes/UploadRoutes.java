package dev.comfy4j.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.imaging.DecodedImage;
import dev.comfy4j.files.Folders;
import dev.comfy4j.server.Multipart;
import dev.comfy4j.imaging.PngText;
import dev.comfy4j.imaging.PngWriter;
import dev.comfy4j.files.SafePaths;
import dev.comfy4j.json.Json;
import dev.comfy4j.server.Exchange;
import dev.comfy4j.server.HttpError;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /upload/image} and {@code POST /upload/mask} (API spec §10.3, §10.4). */
public final class UploadRoutes implements RouteFamily {
    private static final Logger LOG = LoggerFactory.getLogger(UploadRoutes.class);

    /** What is written once the target name is settled: the raw bytes, or the mask composite. */
    @FunctionalInterface
    private interface Saver {
        void save(Multipart form, byte[] upload, Path target) throws IOException;
    }

    private final Folders folders;

    public UploadRoutes(Folders folders) {
        this.folders = folders;
    }

    @Override
    public void register(Router router) {
        router.post("/upload/image", ex -> upload(ex, (form, data, target) -> Files.write(target, data)));
        router.post("/upload/mask", ex -> upload(ex, this::compositeMask));
    }

    private void upload(Exchange ex, Saver saver) throws IOException {
        Multipart form;
        try (InputStream body = ex.ctx().req().getInputStream()) {
            form = Multipart.read(ex.header("Content-Type"), body, ex.ctx().req().getContentLengthLong(), ex.maxBodyBytes());
        }
        String type = form.field("type").orElse("input");
        // The reference fails with a 500 on an unknown type; a 400 says why.
        Path root = folders.directoryByType(type).orElseThrow(() -> HttpError.badRequest("Invalid upload type: " + type));
        Multipart.Part image = form.part("image").filter(Multipart.Part::isFile).orElseThrow(() -> HttpError.empty(400));
        String filename = image.filename();
        String subfolder = form.field("subfolder").orElse("");
        Path folder = SafePaths.join(root, subfolder).orElseThrow(() -> HttpError.empty(400));
        Path target = SafePaths.join(folder, filename).orElseThrow(() -> HttpError.empty(400));
        if (target.equals(root) || !SafePaths.inside(root, target)) throw HttpError.empty(400);
        Files.createDirectories(folder);
        if (!Files.isDirectory(target.getParent())) throw HttpError.badRequest("Upload file names cannot name folders");

        String overwrite = form.field("overwrite").orElse(null);
        boolean replace = "true".equals(overwrite) || "1".equals(overwrite);
        String name = filename;
        boolean duplicate = false;
        if (!replace) {
            String ext = SafePaths.extension(filename);
            String stem = filename.substring(0, filename.length() - ext.length());
            for (int i = 1; Files.exists(target); i++) {
                if (sameContent(target, image.data())) {
                    duplicate = true;
                    break;
                }
                name = stem + " (" + i + ")" + ext;
                target = folder.resolve(name);
            }
        }
        if (Files.isDirectory(target)) throw HttpError.badRequest("A folder of that name exists");
        if (!duplicate) saver.save(form, image.data(), target);
        ObjectNode answer = Json.object();
        answer.put("name", name);
        answer.put("subfolder", subfolder);
        answer.put("type", type);
        ex.json(answer);
    }

    /** The duplicate test: the reference compares hashes of the whole files, which decides the same. */
    private static boolean sameContent(Path existing, byte[] upload) {
        try {
            return Files.isRegularFile(existing) && Files.size(existing) == upload.length
                    && Arrays.equals(Files.readAllBytes(existing), upload);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes the original image with its alpha replaced by the mask's alpha, keeping the original's PNG
     * text chunks. A reference to a missing or unreachable original writes nothing and still answers
     * 200, as the reference does (the frontend only checks the status).
     */
    private void compositeMask(Multipart form, byte[] mask, Path target) throws IOException {
        String refText = form.field("original_ref").orElseThrow(() -> HttpError.badRequest("original_ref is required"));
        JsonNode ref;
        try {
            ref = Json.parse(refText);
        } catch (IOException e) {
            throw HttpError.badRequest("original_ref is not valid JSON");
        }
        if (ref == null || !ref.isObject() || !ref.path("filename").isTextual()) {
            throw HttpError.badRequest("original_ref must be an object with a string filename");
        }
        Optional<Path> original = originalFile(ref);
        if (original.isEmpty()) {
            LOG.warn("Mask upload: original {} not found, nothing written", ref);
            return;
        }
        byte[] originalBytes = Files.readAllBytes(original.get());
        Map<String, String> text = PngText.read(originalBytes);
        DecodedImage base = DecodedImage.decode(originalBytes)
                .orElseThrow(() -> HttpError.badRequest("The original is not an image this server can read"));
        DecodedImage alpha = DecodedImage.decode(mask)
                .orElseThrow(() -> HttpError.badRequest("The mask is not an image this server can read"));
        if (base.width() != alpha.width() || base.height() != alpha.height()) {
            throw HttpError.badRequest("The mask and the original differ in size");
        }
        int[] out = new int[base.argb().length];
        for (int i = 0; i < out.length; i++) out[i] = (base.argb()[i] & 0xffffff) | (alpha.argb()[i] & 0xff000000);
        Files.write(target, PngWriter.encode(base.width(), base.height(), out, true, text, 4));
    }

    /** Resolves {@code original_ref} with /view's rules; empty where the reference silently gives up. */
    private Optional<Path> originalFile(JsonNode ref) {
        Folders.AnnotatedName annotated = Folders.annotated(ref.get("filename").asText());
        String name = annotated.name();
        if (name.isEmpty() || name.startsWith("/") || name.contains("..")) return Optional.empty();
        String type = annotated.type() != null ? annotated.type()
                : ref.path("type").isTextual() ? ref.get("type").asText() : ref.has("type") ? "" : "output";
        Optional<Path> root = folders.directoryByType(type);
        if (root.isEmpty()) return Optional.empty();
        Path dir = root.get();
        String subfolder = ref.path("subfolder").isTextual() ? ref.get("subfolder").asText() : "";
        if (!subfolder.isEmpty()) {
            Optional<Path> sub = SafePaths.join(dir, subfolder);
            if (sub.isEmpty() || !SafePaths.inside(root.get(), sub.get())) return Optional.empty();
            dir = sub.get();
        }
        Optional<Path> file = SafePaths.join(dir, name);
        if (file.isEmpty() || !SafePaths.inside(root.get(), file.get()) || !Files.isRegularFile(file.get())) return Optional.empty();
        return file;
    }
}
