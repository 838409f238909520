package dev.comfy4j.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.imaging.DecodedImage;
import dev.comfy4j.files.Folders;
import dev.comfy4j.imaging.ImageEncoders;
import dev.comfy4j.files.MimeTypes;
import dev.comfy4j.imaging.PngWriter;
import dev.comfy4j.files.SafePaths;
import dev.comfy4j.files.Safetensors;
import dev.comfy4j.server.StaticFile;
import dev.comfy4j.server.Exchange;
import dev.comfy4j.server.HttpError;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code GET /view} and {@code GET /view_metadata/{folder_name}} (API spec §10.1, §10.2). */
public final class ViewRoutes implements RouteFamily {
    /** Types the reference refuses to serve inline (anti-XSS); we add SVG and .js, see §14 item 15. */
    private static final Set<String> DOWNLOAD_ONLY = Set.of("text/html", "text/html-sandboxed", "application/xhtml+xml",
            "text/javascript", "text/css");

    private final Folders folders;
    private final PeerOutputs peers;

    public ViewRoutes(Folders folders) {
        this(folders, null);
    }

    /** @param peers where a file this server lacks is looked for on a shared store (null: nowhere) */
    public ViewRoutes(Folders folders, PeerOutputs peers) {
        this.folders = folders;
        this.peers = peers;
    }

    @Override
    public void register(Router router) {
        router.get("/view", this::view);
        router.get("/view_metadata/{folder_name}", this::viewMetadata);
    }

    private void view(Exchange ex) throws Exception {
        String requested = ex.query("filename");
        if (requested == null) throw HttpError.empty(404);
        Folders.AnnotatedName annotated = Folders.annotated(requested);
        String name = annotated.name();
        if (name.isEmpty() || name.startsWith("/") || name.contains("..")) throw HttpError.empty(400);
        String type = annotated.type() != null ? annotated.type() : Optional.ofNullable(ex.query("type")).orElse("output");
        Path root = folders.directoryByType(type).orElseThrow(() -> HttpError.empty(400));
        Path dir = root;
        if (ex.ctx().queryParamMap().containsKey("subfolder")) {
            dir = SafePaths.join(root, ex.query("subfolder")).orElseThrow(() -> HttpError.empty(403));
            if (!SafePaths.inside(root, dir)) throw HttpError.empty(403);
        }
        // Only the last component of the name counts; folders go in "subfolder".
        String baseName = name.substring(name.lastIndexOf('/') + 1);
        Path file = SafePaths.join(dir, baseName).orElseThrow(() -> HttpError.empty(404));
        if (baseName.isEmpty() || !Files.isRegularFile(file)) {
            if (!baseName.isEmpty() && peers != null && peers.serve(ex)) return; // written by another server
            throw HttpError.empty(404);
        }
        if (!SafePaths.inside(root, file)) throw HttpError.empty(403);

        String disposition = "filename=\"" + baseName + "\"";
        String channel = Optional.ofNullable(ex.query("channel")).orElse("rgba");
        String preview = ex.query("preview");
        if (preview != null) {
            servePreview(ex, file, preview, ex.query("channel"), disposition);
        } else if (channel.equals("rgb")) {
            DecodedImage img = decode(file);
            ex.header("Content-Disposition", disposition);
            ex.bytes(200, "image/png", PngWriter.encode(img.width(), img.height(), img.argb(), false, Map.of(), 6));
        } else if (channel.equals("a")) {
            DecodedImage img = decode(file);
            int[] alphaOnly = new int[img.argb().length];
            for (int i = 0; i < alphaOnly.length; i++) alphaOnly[i] = img.alphaAt(i) << 24;
            ex.header("Content-Disposition", disposition);
            ex.bytes(200, "image/png", PngWriter.encode(img.width(), img.height(), alphaOnly, true, Map.of(), 6));
        } else {
            String contentType = MimeTypes.guessOrOctetStream(baseName);
            if (DOWNLOAD_ONLY.contains(contentType)) contentType = "application/octet-stream";
            ex.header("Content-Disposition", disposition);
            StaticFile.serve(ex, file, contentType);
        }
    }

    /** {@code preview=format[;quality]}: WebP unless jpeg was asked and no alpha channel was. */
    private static void servePreview(Exchange ex, Path file, String preview, String channel, String disposition)
            throws Exception {
        String[] info = preview.split(";", -1);
        String format = info[0];
        String ch = channel == null ? "" : channel;
        if (!(format.equals("webp") || format.equals("jpeg")) || ch.contains("a")) format = "webp";
        String last = info[info.length - 1];
        int quality = !last.isEmpty() && last.chars().allMatch(Character::isDigit) && last.length() < 4
                ? Integer.parseInt(last) : 90;
        DecodedImage img = decode(file);
        boolean toRgb = format.equals("jpeg") || ch.equals("rgb");
        byte[] body;
        if (format.equals("jpeg")) {
            body = ImageEncoders.jpeg(img.width(), img.height(), img.argb(), quality);
        } else {
            boolean alpha = !toRgb && hasTransparency(img.argb());
            body = ImageEncoders.webp(img.width(), img.height(), img.argb(), alpha);
        }
        ex.header("Content-Disposition", disposition);
        ex.bytes(200, "image/" + format, body);
    }

    private static boolean hasTransparency(int[] argb) {
        for (int p : argb) if ((p >>> 24) != 255) return true;
        return false;
    }

    private static DecodedImage decode(Path file) throws Exception {
        // The reference answers 500 here; a 400 names the problem.
        return DecodedImage.decode(Files.readAllBytes(file))
                .orElseThrow(() -> HttpError.badRequest("The file is not an image this server can read"));
    }

    private void viewMetadata(Exchange ex) {
        String folder = ex.pathParam("folder_name");
        String filename = ex.query("filename");
        if (folder == null || filename == null || !filename.endsWith(".safetensors")) throw HttpError.empty(404);
        Path file = folders.models().fullPath(folder, filename).orElseThrow(() -> HttpError.empty(404));
        JsonNode header = Safetensors.header(file, 1024 * 1024).orElseThrow(() -> HttpError.empty(404));
        JsonNode metadata = header.get("__metadata__");
        if (metadata == null) throw HttpError.empty(404);
        ex.json(metadata);
    }
}
