package dev.comfy4j.files;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The media types that Python's {@code mimetypes.guess_type} gives for the file kinds a ComfyUI server
 * meets, plus ComfyUI's own registrations ({@code .js} with a charset, {@code .webp}).
 */
public final class MimeTypes {
    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry(".html", "text/html"), Map.entry(".htm", "text/html"),
            Map.entry(".js", "application/javascript; charset=utf-8"), Map.entry(".mjs", "text/javascript"),
            Map.entry(".css", "text/css"), Map.entry(".json", "application/json"),
            Map.entry(".txt", "text/plain"), Map.entry(".md", "text/markdown"), Map.entry(".csv", "text/csv"),
            Map.entry(".xml", "text/xml"), Map.entry(".xhtml", "application/xhtml+xml"),
            Map.entry(".yaml", "application/yaml"), Map.entry(".yml", "application/yaml"),
            Map.entry(".png", "image/png"), Map.entry(".jpg", "image/jpeg"), Map.entry(".jpeg", "image/jpeg"),
            Map.entry(".jpe", "image/jpeg"), Map.entry(".gif", "image/gif"), Map.entry(".webp", "image/webp"),
            Map.entry(".bmp", "image/bmp"), Map.entry(".tif", "image/tiff"), Map.entry(".tiff", "image/tiff"),
            Map.entry(".svg", "image/svg+xml"), Map.entry(".ico", "image/vnd.microsoft.icon"),
            Map.entry(".avif", "image/avif"), Map.entry(".heic", "image/heic"),
            Map.entry(".ppm", "image/x-portable-pixmap"), Map.entry(".pgm", "image/x-portable-graymap"),
            Map.entry(".woff", "font/woff"), Map.entry(".woff2", "font/woff2"), Map.entry(".ttf", "font/ttf"),
            Map.entry(".otf", "font/otf"), Map.entry(".wasm", "application/wasm"),
            Map.entry(".mp4", "video/mp4"), Map.entry(".webm", "video/webm"), Map.entry(".mov", "video/quicktime"),
            Map.entry(".mkv", "video/x-matroska"), Map.entry(".gifv", "video/mp4"),
            Map.entry(".mp3", "audio/mpeg"), Map.entry(".wav", "audio/x-wav"), Map.entry(".flac", "audio/flac"),
            Map.entry(".ogg", "audio/ogg"), Map.entry(".opus", "audio/opus"), Map.entry(".m4a", "audio/mp4"),
            Map.entry(".pdf", "application/pdf"), Map.entry(".zip", "application/zip"),
            Map.entry(".tar", "application/x-tar"), Map.entry(".gz", "application/gzip"));

    private MimeTypes() {}

    /** The guessed type, or empty when the extension is unknown. Matching is case-insensitive. */
    public static Optional<String> guess(String fileName) {
        return Optional.ofNullable(BY_EXTENSION.get(SafePaths.extension(fileName).toLowerCase(Locale.ROOT)));
    }

    public static String guessOrOctetStream(String fileName) {
        return guess(fileName).orElse("application/octet-stream");
    }

    /** Whether the file's guessed type is an image (model preview candidates). */
    public static boolean isImage(String fileName) {
        return guess(fileName).map(t -> t.startsWith("image/")).orElse(false);
    }
}
