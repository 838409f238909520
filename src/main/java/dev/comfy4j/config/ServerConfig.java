package dev.comfy4j.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything the server is started with, after the command line and the {@code COMFY4J_*}
 * environment were read. Directories are absolute and normalised.
 *
 * @param corsOrigin null when CORS is off (the origin check runs instead)
 * @param frontEndRoot null for the built-in status page
 * @param database null for ComfyUI's memory-only queue and history
 */
public record ServerConfig(
        List<String> listen,
        int port,
        String corsOrigin,
        long maxUploadBytes,
        Path baseDirectory,
        Path inputDirectory,
        Path outputDirectory,
        Path tempDirectory,
        Path userDirectory,
        Path modelsDirectory,
        Path frontEndRoot,
        String previewMethod,
        int previewSize,
        boolean disableMetadata,
        CacheMode cacheMode,
        Path database,
        boolean verbose,
        List<String> argv) {

    /** Defaults for a server rooted at {@code base}: what tests start with. */
    public static ServerConfig defaults(Path base) {
        Path b = base.toAbsolutePath().normalize();
        return new ServerConfig(List.of("127.0.0.1"), 8188, null, 100L * 1024 * 1024, b,
                b.resolve("input"), b.resolve("output"), b.resolve("temp"), b.resolve("user"), b.resolve("models"),
                null, "none", 512, false, new CacheMode.Classic(), b.resolve("comfy4j.db"), false, List.of());
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(listen, newPort, corsOrigin, maxUploadBytes, baseDirectory, inputDirectory,
                outputDirectory, tempDirectory, userDirectory, modelsDirectory, frontEndRoot, previewMethod,
                previewSize, disableMetadata, cacheMode, database, verbose, argv);
    }

    public ServerConfig withDatabase(Path newDatabase) {
        return new ServerConfig(listen, port, corsOrigin, maxUploadBytes, baseDirectory, inputDirectory,
                outputDirectory, tempDirectory, userDirectory, modelsDirectory, frontEndRoot, previewMethod,
                previewSize, disableMetadata, cacheMode, newDatabase, verbose, argv);
    }

    public ServerConfig withCors(String origin) {
        return new ServerConfig(listen, port, origin, maxUploadBytes, baseDirectory, inputDirectory,
                outputDirectory, tempDirectory, userDirectory, modelsDirectory, frontEndRoot, previewMethod,
                previewSize, disableMetadata, cacheMode, database, verbose, argv);
    }

    public ServerConfig withMaxUploadBytes(long bytes) {
        return new ServerConfig(listen, port, corsOrigin, bytes, baseDirectory, inputDirectory,
                outputDirectory, tempDirectory, userDirectory, modelsDirectory, frontEndRoot, previewMethod,
                previewSize, disableMetadata, cacheMode, database, verbose, argv);
    }

    public ServerConfig withCacheMode(CacheMode mode) {
        return new ServerConfig(listen, port, corsOrigin, maxUploadBytes, baseDirectory, inputDirectory,
                outputDirectory, tempDirectory, userDirectory, modelsDirectory, frontEndRoot, previewMethod,
                previewSize, disableMetadata, mode, database, verbose, argv);
    }

    public ServerConfig withFrontEndRoot(Path root) {
        return new ServerConfig(listen, port, corsOrigin, maxUploadBytes, baseDirectory, inputDirectory,
                outputDirectory, tempDirectory, userDirectory, modelsDirectory, root, previewMethod,
                previewSize, disableMetadata, cacheMode, database, verbose, argv);
    }
}
