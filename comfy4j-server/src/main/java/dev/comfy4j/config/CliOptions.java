package dev.comfy4j.config;

import dev.comfy4j.App;
import dev.comfy4j.logging.LogCapture;
import dev.comfy4j.model.ComputePrecision;
import dev.comfy4j.tensor.DType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line, with ComfyUI's flag names. Every flag can also come from the environment as
 * {@code COMFY4J_<FLAG>} ({@code --max-upload-size} is {@code COMFY4J_MAX_UPLOAD_SIZE}); the command
 * line wins.
 */
@Command(name = "comfy4j", mixinStandardHelpOptions = true, version = "comfy4j " + App.VERSION,
        description = "A ComfyUI-compatible workflow server for the JVM.", subcommands = dev.comfy4j.AddUserCommand.class)
public final class CliOptions implements Callable<Integer> {
    /** Reads {@code COMFY4J_<FLAG>} variables of {@code env} as defaults for the flags. */
    public static CommandLine.IDefaultValueProvider environment(Map<String, String> env) {
        return argSpec -> {
            if (!(argSpec instanceof CommandLine.Model.OptionSpec option)) return null;
            return env.get(variableFor(option.longestName()));
        };
    }

    /** {@code --max-upload-size} is read from {@code COMFY4J_MAX_UPLOAD_SIZE}. */
    public static String variableFor(String flag) {
        return "COMFY4J_" + flag.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Option(names = "--listen", arity = "0..1", fallbackValue = "0.0.0.0",
            description = "Address to listen on (default 127.0.0.1; the bare flag means 0.0.0.0).")
    String listen = "127.0.0.1";

    @Option(names = "--port", description = "Port to listen on (default 8188).")
    int port = 8188;

    @Option(names = "--enable-cors-header", arity = "0..1", fallbackValue = "*",
            description = "Send CORS headers with this origin (bare flag: *) instead of running the origin check.")
    String corsOrigin;

    @Option(names = "--max-upload-size", description = "Largest request body in MB (default 100).")
    double maxUploadSize = 100;

    @Option(names = "--base-directory", description = "Base of models/, input/, output/, temp/, user/ (default: the working directory).")
    Path baseDirectory;

    @Option(names = "--input-directory", description = "Folder of input files: uploads, LoadImage (default BASE/input).")
    Path inputDirectory;

    @Option(names = "--output-directory", description = "Folder where SaveImage and the other save nodes write (default BASE/output).")
    Path outputDirectory;

    @Option(names = "--temp-directory", description = "The temp folder becomes DIR/temp, as in ComfyUI.")
    Path tempDirectory;

    @Option(names = "--user-directory", description = "Folder of user data: settings, saved workflows (default BASE/user).")
    Path userDirectory;

    @Option(names = "--front-end-root", description = "Serve this folder as the web root.")
    Path frontEndRoot;

    @Option(names = "--front-end-version",
            description = "Download and serve this web editor release, OWNER/REPO@X.Y.Z or OWNER/REPO@latest "
                    + "(e.g. Comfy-Org/ComfyUI_frontend@v1.27.10); cached under BASE/web_custom_versions.")
    String frontEndVersion;

    @Option(names = "--front-end-release-api",
            description = "The releases API --front-end-version is fetched from (default: the code host's public API).")
    String frontEndReleaseApi = ServerConfig.DEFAULT_RELEASE_API;

    @Option(names = "--clip-tokenizer-url",
            description = "Where the CLIP tokenizer files (vocab.json, merges.txt) are downloaded from, once, when "
                    + "models/text_encoders lacks them (default: the public CLIP ViT-L/14 files).")
    String clipTokenizerUrl = ServerConfig.DEFAULT_CLIP_TOKENIZER_URL;

    @Option(names = "--extra-model-paths-config", arity = "1..*",
            description = "More extra_model_paths.yaml files (BASE/extra_model_paths.yaml is always read when present).")
    List<Path> extraModelPathsConfigs = new java.util.ArrayList<>();

    @Option(names = "--preview-method", description = "none, auto, latent2rgb or taesd (default none).")
    String previewMethod = "none";

    @Option(names = "--preview-size", description = "Largest side, in pixels, of sampler previews (default 512).")
    int previewSize = 512;

    @Option(names = "--disable-metadata", description = "Save images without prompt/workflow metadata.")
    boolean disableMetadata;

    @Option(names = "--cache-lru", description = "Keep up to N results per cache (LRU).")
    Integer cacheLru;

    @Option(names = "--cache-none", description = "Keep outputs only until their dependants ran.")
    boolean cacheNone;

    @Option(names = "--cache-classic", description = "The default cache.")
    boolean cacheClassic;

    @Option(names = "--database", description = "SQLite file for queue and history (default BASE/comfy4j.db); 'none' keeps them in memory;"
            + " a postgresql://user:password@host:port/db URL shares them with every server on that database.")
    String database;

    @Option(names = "--role", description = "api (take prompts, serve reads), worker (run prompts) or all (default):"
            + " what this server does on a shared --database postgresql://.")
    String role = "all";

    @Option(names = "--worker-lease", description = "Seconds a worker keeps a prompt after its last heartbeat (default 30);"
            + " then another worker runs it again. Shared database only.")
    double workerLease = ScaleOutSettings.DEFAULT_LEASE_MILLIS / 1000.0;

    @Option(names = "--advertise-url", description = "The base URL other servers reach this one at, for /view of"
            + " its outputs (default http://LISTEN:PORT). Shared database only.")
    String advertiseUrl;

    @Option(names = "--verbose", arity = "0..1", fallbackValue = "DEBUG",
            description = "Log level: DEBUG, INFO, WARNING, ERROR or CRITICAL (default INFO; bare flag: DEBUG). "
                    + "Jetty and Javalin stay at WARN whatever the level.")
    String verbose;

    @Option(names = "--log-format", description = "text (default) or json: one JSON object a line on standard output"
            + " and error, with the prompt id and user of the line when it comes from a running prompt.")
    String logFormat = "text";

    @Option(names = "--max-graph-nodes", description = "Most nodes a prompt may have (default "
            + ServerConfig.DEFAULT_MAX_GRAPH_NODES + "); larger prompts are refused with 400.")
    int maxGraphNodes = ServerConfig.DEFAULT_MAX_GRAPH_NODES;

    @Option(names = "--max-graph-depth", description = "Most nodes on one chain of links in a prompt (default "
            + ServerConfig.DEFAULT_MAX_GRAPH_DEPTH + "); deeper prompts are refused with 400.")
    int maxGraphDepth = ServerConfig.DEFAULT_MAX_GRAPH_DEPTH;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--cpu", description = "Compute on the CPU even when a CUDA device is present.")
    boolean cpu;

    @Option(names = "--threads", description = "Compute threads (default: all cores).")
    int threads;

    @Option(names = "--reserve-ram", description = "GB of RAM to keep free when deciding to unload models (default 1).")
    double reserveRam = 1.0;

    @Option(names = "--bf16-unet", description = "Run the diffusion model (UNet) in bfloat16: about twice as fast on CPUs with"
            + " AVX-512 BF16 or AMX, images close to but not equal to float32's.")
    boolean bf16Unet;

    @Option(names = "--fp32-unet", description = "Run the diffusion model in float32 (the default; ComfyUI's numbers on the CPU).")
    boolean fp32Unet;

    @Option(names = "--bf16-vae", description = "Run the VAE in bfloat16 (about twice as fast on CPUs with AVX-512 BF16).")
    boolean bf16Vae;

    @Option(names = "--fp32-vae", description = "Run the VAE in float32 (the default).")
    boolean fp32Vae;

    @CommandLine.Mixin ProductionOptions production = new ProductionOptions();

    /** How long a stop may take before the process halts. */
    static final long SHUTDOWN_GRACE_MILLIS = 10_000;

    private String[] rawArgs = new String[0];

    /** The tensor-runtime and model-memory flags ({@code --cpu}, {@code --threads}, {@code --reserve-ram}, precision). */
    public ComputeSettings computeSettings() {
        ComputePrecision precision = new ComputePrecision(bf16Unet ? DType.BF16 : DType.F32, bf16Vae ? DType.BF16 : DType.F32);
        return new ComputeSettings(cpu, threads, Math.round(reserveRam * 1024 * 1024 * 1024), precision);
    }

    public CliOptions withRawArgs(String[] args) {
        this.rawArgs = args.clone();
        return this;
    }

    public ServerConfig toConfig() {
        Path base = (baseDirectory != null ? baseDirectory : Path.of("")).toAbsolutePath().normalize();
        ServerConfig.Builder config = ServerConfig.builder(base)
                .port(port)
                .corsOrigin(corsOrigin)
                .maxUploadBytes(Math.round(maxUploadSize * 1024 * 1024))
                .previewMethod(previewMethod)
                .previewSize(previewSize)
                .disableMetadata(disableMetadata)
                .verbose(verbose != null)
                .compute(computeSettings())
                .extraModelPathsConfigs(extraModelPathsConfigs.stream().map(CliOptions::abs).toList())
                .argv(List.of(rawArgs))
                .production(production.toSettings())
                .maxGraphNodes(maxGraphNodes)
                .maxGraphDepth(maxGraphDepth);
        List<String> addresses = Arrays.stream(listen.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (!addresses.isEmpty()) config.listen(addresses);
        if (cacheNone) config.cacheMode(new CacheMode.None());
        else if (cacheLru != null && cacheLru > 0) config.cacheMode(new CacheMode.Lru(cacheLru));
        ScaleOutSettings scaleOut = ScaleOutSettings.defaults()
                .withRole(ScaleOutSettings.Role.parse(role) == null ? ScaleOutSettings.Role.ALL : ScaleOutSettings.Role.parse(role))
                .withLeaseMillis(Math.round(workerLease * 1000))
                .withAdvertiseUrl(advertiseUrl);
        if (ScaleOutSettings.isPostgresUrl(database)) {
            config.database(null);
            scaleOut = scaleOut.withDatabaseUrl(database);
        } else if (database != null) {
            config.database(database.equalsIgnoreCase("none") ? null : Path.of(database).toAbsolutePath().normalize());
        }
        config.scaleOut(scaleOut);
        if (inputDirectory != null) config.inputDirectory(abs(inputDirectory));
        if (outputDirectory != null) config.outputDirectory(abs(outputDirectory));
        if (userDirectory != null) config.userDirectory(abs(userDirectory));
        // ComfyUI appends "temp" to --temp-directory.
        config.tempDirectory((tempDirectory != null ? abs(tempDirectory) : base).resolve("temp"));
        if (frontEndRoot != null) config.frontEndRoot(abs(frontEndRoot));
        config.frontEndVersion(frontEndVersion).frontEndReleaseApi(frontEndReleaseApi).clipTokenizerUrl(clipTokenizerUrl);
        return config.build();
    }

    private static Path abs(Path p) {
        return p.toAbsolutePath().normalize();
    }

    /** The slf4j-simple level for a {@code --verbose} value, or null when the value is not a level. */
    static String logLevel(String verbose) {
        if (verbose == null) return "info";
        return switch (verbose.trim().toUpperCase(Locale.ROOT)) {
            case "TRACE" -> "trace";
            case "DEBUG" -> "debug";
            case "INFO" -> "info";
            case "WARNING", "WARN" -> "warn";
            case "ERROR", "CRITICAL" -> "error";
            default -> null;
        };
    }

    /** Every problem with the flags, one line each; empty when the server may start. */
    public List<String> problems() {
        return new FlagChecks(this).problems();
    }

    @Override
    public Integer call() throws Exception {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            java.io.PrintWriter err = spec.commandLine().getErr();
            for (String problem : problems) err.println("comfy4j: " + problem);
            err.println("Run 'comfy4j --help' for the flags.");
            err.flush();
            return 2;
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", logLevel(verbose));
        LogCapture.useJsonLines("json".equals(logFormat));
        App app = App.start(toConfig());
        // SIGTERM stops the server whatever it is doing: if closing takes longer than the grace
        // period (a node that never checks for interrupts, a heap too full to work in), the process
        // halts. The watchdog is made now, while there is memory to make it.
        Thread watchdog = Thread.ofPlatform().daemon().name("shutdown-watchdog").unstarted(() -> {
            try {
                Thread.sleep(SHUTDOWN_GRACE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(1);
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            watchdog.start();
            app.close();
        }, "shutdown"));
        app.awaitShutdown();
        return 0;
    }
}
