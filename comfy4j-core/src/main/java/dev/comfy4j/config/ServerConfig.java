package dev.comfy4j.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything the server is started with, after the command line and the {@code COMFY4J_*}
 * environment were read. Directories are absolute and normalised.
 *
 * @param corsOrigin null when CORS is off (the origin check runs instead)
 * @param frontEndRoot null for the built-in status page
 * @param frontEndVersion {@code OWNER/REPO@VERSION} to download and serve, or null; {@code frontEndRoot} wins
 * @param frontEndReleaseApi the releases API {@code frontEndVersion} is fetched from
 * @param clipTokenizerUrl where the CLIP tokenizer files are downloaded from when
 *     {@code models/text_encoders} lacks them
 * @param database null for ComfyUI's memory-only queue and history
 * @param extraModelPathsConfigs {@code --extra-model-paths-config} files, read after
 *     {@code BASE/extra_model_paths.yaml}
 * @param argv the command line as given, for {@code /system_stats}
 * @param production authentication, limits and the other flags of the production layer
 * @param maxGraphNodes the most nodes a prompt may have ({@code --max-graph-nodes})
 * @param maxGraphDepth the most nodes on one chain of links in a prompt ({@code --max-graph-depth})
 * @param scaleOut the shared PostgreSQL store and this server's role ({@code --database postgresql://}, {@code --role})
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
        ComputeSettings compute,
        List<Path> extraModelPathsConfigs,
        List<String> argv,
        String frontEndVersion,
        String frontEndReleaseApi,
        ProductionSettings production,
        int maxGraphNodes,
        int maxGraphDepth,
        String clipTokenizerUrl,
        ScaleOutSettings scaleOut) {

    /** The code host's public releases API, which ComfyUI downloads frontends from. */
    public static final String DEFAULT_RELEASE_API = "https://api.github.com";
    /** The public CLIP ViT-L/14 tokenizer files on the model hub. */
    public static final String DEFAULT_CLIP_TOKENIZER_URL = "https://huggingface.co/openai/clip-vit-large-patch14/resolve/main/";
    public static final int DEFAULT_MAX_GRAPH_NODES = 20_000;
    public static final int DEFAULT_MAX_GRAPH_DEPTH = 10_000;

    /** Defaults for a server rooted at {@code base}: ComfyUI's, plus {@code BASE/comfy4j.db}. */
    public static ServerConfig defaults(Path base) {
        return builder(base).build();
    }

    /** A builder holding the defaults for {@code base}. */
    public static Builder builder(Path base) {
        Path b = base.toAbsolutePath().normalize();
        Builder builder = new Builder();
        builder.listen = List.of("127.0.0.1");
        builder.port = 8188;
        builder.maxUploadBytes = 100L * 1024 * 1024;
        builder.baseDirectory = b;
        builder.inputDirectory = b.resolve("input");
        builder.outputDirectory = b.resolve("output");
        builder.tempDirectory = b.resolve("temp");
        builder.userDirectory = b.resolve("user");
        builder.modelsDirectory = b.resolve("models");
        builder.previewMethod = "none";
        builder.previewSize = 512;
        builder.cacheMode = new CacheMode.Classic();
        builder.database = b.resolve("comfy4j.db");
        builder.compute = new ComputeSettings(false, 0, 1L << 30);
        builder.extraModelPathsConfigs = List.of();
        builder.argv = List.of();
        builder.frontEndReleaseApi = DEFAULT_RELEASE_API;
        builder.clipTokenizerUrl = DEFAULT_CLIP_TOKENIZER_URL;
        builder.production = ProductionSettings.defaults();
        builder.maxGraphNodes = DEFAULT_MAX_GRAPH_NODES;
        builder.maxGraphDepth = DEFAULT_MAX_GRAPH_DEPTH;
        builder.scaleOut = ScaleOutSettings.defaults();
        return builder;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.listen = listen;
        b.port = port;
        b.corsOrigin = corsOrigin;
        b.maxUploadBytes = maxUploadBytes;
        b.baseDirectory = baseDirectory;
        b.inputDirectory = inputDirectory;
        b.outputDirectory = outputDirectory;
        b.tempDirectory = tempDirectory;
        b.userDirectory = userDirectory;
        b.modelsDirectory = modelsDirectory;
        b.frontEndRoot = frontEndRoot;
        b.previewMethod = previewMethod;
        b.previewSize = previewSize;
        b.disableMetadata = disableMetadata;
        b.cacheMode = cacheMode;
        b.database = database;
        b.verbose = verbose;
        b.compute = compute;
        b.extraModelPathsConfigs = extraModelPathsConfigs;
        b.argv = argv;
        b.frontEndVersion = frontEndVersion;
        b.frontEndReleaseApi = frontEndReleaseApi;
        b.clipTokenizerUrl = clipTokenizerUrl;
        b.production = production;
        b.maxGraphNodes = maxGraphNodes;
        b.maxGraphDepth = maxGraphDepth;
        b.scaleOut = scaleOut;
        return b;
    }

    public ServerConfig withPort(int value) { return toBuilder().port(value).build(); }

    public ServerConfig withDatabase(Path value) { return toBuilder().database(value).build(); }

    public ServerConfig withCors(String origin) { return toBuilder().corsOrigin(origin).build(); }

    public ServerConfig withMaxUploadBytes(long value) { return toBuilder().maxUploadBytes(value).build(); }

    public ServerConfig withCacheMode(CacheMode value) { return toBuilder().cacheMode(value).build(); }

    public ServerConfig withFrontEndRoot(Path value) { return toBuilder().frontEndRoot(value).build(); }

    public ServerConfig withProduction(ProductionSettings value) { return toBuilder().production(value).build(); }

    public ServerConfig withScaleOut(ScaleOutSettings value) { return toBuilder().scaleOut(value).build(); }

    /** Named setters over the record's fields; {@link ServerConfig#builder} starts from the defaults. */
    public static final class Builder {
        private List<String> listen;
        private int port;
        private String corsOrigin;
        private long maxUploadBytes;
        private Path baseDirectory;
        private Path inputDirectory;
        private Path outputDirectory;
        private Path tempDirectory;
        private Path userDirectory;
        private Path modelsDirectory;
        private Path frontEndRoot;
        private String previewMethod;
        private int previewSize;
        private boolean disableMetadata;
        private CacheMode cacheMode;
        private Path database;
        private boolean verbose;
        private ComputeSettings compute;
        private List<Path> extraModelPathsConfigs;
        private List<String> argv;
        private String frontEndVersion;
        private String frontEndReleaseApi;
        private String clipTokenizerUrl;
        private ProductionSettings production;
        private int maxGraphNodes;
        private int maxGraphDepth;
        private ScaleOutSettings scaleOut;

        private Builder() {}

        public Builder listen(List<String> v) { listen = List.copyOf(v); return this; }

        public Builder port(int v) { port = v; return this; }

        public Builder corsOrigin(String v) { corsOrigin = v; return this; }

        public Builder maxUploadBytes(long v) { maxUploadBytes = v; return this; }

        public Builder inputDirectory(Path v) { inputDirectory = v; return this; }

        public Builder outputDirectory(Path v) { outputDirectory = v; return this; }

        public Builder tempDirectory(Path v) { tempDirectory = v; return this; }

        public Builder modelsDirectory(Path v) { modelsDirectory = v; return this; }

        public Builder userDirectory(Path v) { userDirectory = v; return this; }

        public Builder frontEndRoot(Path v) { frontEndRoot = v; return this; }

        public Builder previewMethod(String v) { previewMethod = v; return this; }

        public Builder previewSize(int v) { previewSize = v; return this; }

        public Builder disableMetadata(boolean v) { disableMetadata = v; return this; }

        public Builder cacheMode(CacheMode v) { cacheMode = v; return this; }

        public Builder database(Path v) { database = v; return this; }

        public Builder verbose(boolean v) { verbose = v; return this; }

        public Builder compute(ComputeSettings v) { compute = v; return this; }

        public Builder extraModelPathsConfigs(List<Path> v) { extraModelPathsConfigs = List.copyOf(v); return this; }

        public Builder argv(List<String> v) { argv = List.copyOf(v); return this; }

        public Builder frontEndVersion(String v) { frontEndVersion = v; return this; }

        public Builder frontEndReleaseApi(String v) { frontEndReleaseApi = v; return this; }

        public Builder clipTokenizerUrl(String v) { clipTokenizerUrl = v; return this; }
        public Builder production(ProductionSettings v) { production = v; return this; }

        public Builder maxGraphNodes(int v) { maxGraphNodes = v; return this; }

        public Builder maxGraphDepth(int v) { maxGraphDepth = v; return this; }

        public Builder scaleOut(ScaleOutSettings v) { scaleOut = v; return this; }

        public ServerConfig build() {
            return new ServerConfig(listen, port, corsOrigin, maxUploadBytes, baseDirectory, inputDirectory,
                    outputDirectory, tempDirectory, userDirectory, modelsDirectory, frontEndRoot, previewMethod,
                    previewSize, disableMetadata, cacheMode, database, verbose, compute, extraModelPathsConfigs, argv,
                    frontEndVersion, frontEndReleaseApi, production, maxGraphNodes, maxGraphDepth, clipTokenizerUrl,
                    scaleOut);
        }
    }
}
