package dev.comfy4j.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ComputeSettings;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.engine.Engine;
import dev.comfy4j.engine.ExecutionOutcome;
import dev.comfy4j.engine.GraphEngine;
import dev.comfy4j.engine.ValidationOutcome;
import dev.comfy4j.files.Folders;
import dev.comfy4j.files.SafePaths;
import dev.comfy4j.json.Json;
import dev.comfy4j.model.ComputePrecision;
import dev.comfy4j.model.ModelManager;
import dev.comfy4j.nodes.NodeCatalogue;
import dev.comfy4j.nodes.NodeServices;
import dev.comfy4j.tensor.RuntimeOptions;
import dev.comfy4j.tensor.TorchRuntime;
import dev.comfy4j.workflow.RunHandle;
import dev.comfy4j.workflow.RunListener;
import dev.comfy4j.workflow.RunResult;
import dev.comfy4j.workflow.Workflow;
import dev.comfy4j.workflow.WorkflowException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * comfy4j's engine inside a JVM application, without the HTTP server: the same validation, node
 * library, models and caches as the server, for workflows in ComfyUI's API format or built with
 * {@link Workflow}.
 *
 * <pre>{@code
 * try (EmbeddedComfy comfy = EmbeddedComfy.builder(Path.of("comfy")).build()) {
 *     RunResult result = comfy.run(workflowJson);
 *     BufferedImage image = result.images().getFirst().image();
 * }
 * }</pre>
 *
 * <p>Threads: every method may be called from any thread. Runs of one engine execute one at a time in
 * submission order on the engine's own thread (as ComfyUI's queue does), and keep their outputs in the
 * engine's caches, so a second run reuses what did not change. Several engines in one JVM have separate
 * caches and models and run in parallel; they share libtorch's thread pool, whose options the first one
 * to start sets. Give each engine its own base folder (its temp folder is emptied when it starts); they
 * may share a models folder.
 */
public final class EmbeddedComfy implements AutoCloseable {
    private static final AtomicInteger ENGINES = new AtomicInteger();

    private final Folders folders;
    private final ModelManager models;
    private final Engine engine;
    private final ExecutorService runner;

    private EmbeddedComfy(ServerConfig config) {
        if (!TorchRuntime.isStarted()) {
            TorchRuntime.configure(new RuntimeOptions(config.compute().forceCpu(), config.compute().threads()));
        }
        this.folders = Folders.create(config);
        this.models = ModelManager.create(config.compute().reserveRamBytes(), config.compute().precision());
        this.engine = new GraphEngine(config, NodeCatalogue.registry(NodeServices.of(config, folders, models)), models);
        int number = ENGINES.incrementAndGet();
        this.runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "comfy4j-embedded-" + number);
            t.setDaemon(true);
            return t;
        });
    }

    /** An engine rooted at {@code baseDirectory}: {@code models/}, {@code input/}, {@code output/}, {@code temp/} below it. */
    public static Builder builder(Path baseDirectory) {
        return new Builder(baseDirectory);
    }

    /** The node declarations, as {@code GET /object_info} answers them. */
    public JsonNode objectInfo() {
        return engine.objectInfo();
    }

    /** A new workflow checked against this engine's nodes and model files. */
    public Workflow newWorkflow() {
        return Workflow.against(objectInfo());
    }

    /** Runs a workflow and waits for it; a failure throws its {@link WorkflowException}. */
    public RunResult run(Workflow workflow) throws InterruptedException {
        return submit(workflow.toPrompt(), RunListener.NONE).await();
    }

    /** Runs an API-format workflow (JSON text) and waits for it. */
    public RunResult run(String workflowJson) throws InterruptedException {
        return submit(parse(workflowJson), RunListener.NONE).await();
    }

    /**
     * Validates {@code prompt} at once (a refusal completes the handle with a
     * {@link WorkflowException.Kind#REJECTED} failure) and queues it.
     */
    public RunHandle submit(JsonNode prompt, RunListener listener) {
        String promptId = UUID.randomUUID().toString();
        ValidationOutcome validation = engine.validate(promptId, prompt, null);
        EmbeddedRun run = new EmbeddedRun(promptId, engine);
        if (!validation.valid()) {
            ObjectNode body = Json.object();
            body.set("error", validation.error());
            body.set("node_errors", validation.nodeErrors());
            run.fail(new WorkflowException(WorkflowException.Kind.REJECTED,
                    "the workflow is not valid: " + validation.error().path("message").asText(), body));
            return run;
        }
        runner.execute(() -> run.execute(validation, listener, this::readOutput));
        return run;
    }

    public RunHandle submit(Workflow workflow, RunListener listener) {
        return submit(workflow.toPrompt(), listener);
    }

    /** Drops cached node outputs and unloads models (the server's {@code POST /free}). */
    public void free() {
        engine.clearCaches();
        engine.unloadModels();
    }

    /** An output file, looked up as {@code GET /view} does (inside its folder after resolving links). */
    private byte[] readOutput(String filename, String subfolder, String type) throws IOException {
        Path root = switch (type) {
            case "output" -> folders.output();
            case "temp" -> folders.temp();
            case "input" -> folders.input();
            default -> throw new IOException("unknown output type " + type);
        };
        Path dir = SafePaths.join(root, subfolder).orElseThrow(() -> new IOException("subfolder outside " + type + ": " + subfolder));
        Path file = SafePaths.join(dir, filename).orElseThrow(() -> new IOException("file outside " + type + ": " + filename));
        if (!SafePaths.inside(root, file)) throw new IOException("file outside " + type + ": " + filename);
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString());
        return Files.readAllBytes(file);
    }

    private static JsonNode parse(String json) {
        try {
            return Json.parse(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("the workflow is not JSON: " + e.getMessage(), e);
        }
    }

    /** Stops the running workflow, drops the queued ones, and frees the models and folders. */
    @Override
    public void close() {
        runner.shutdownNow();
        engine.interrupt();
        try {
            runner.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        models.close();
        folders.close();
    }

    /** Folders, device and memory options; everything else has ComfyUI's defaults. */
    public static final class Builder {
        private final ServerConfig.Builder config;
        private boolean cpuOnly;
        private int threads;
        private long reserveRamBytes;
        private ComputePrecision precision = ComputePrecision.FLOAT32;

        private Builder(Path base) {
            this.config = ServerConfig.builder(base).database(null);
        }

        public Builder modelsDirectory(Path dir) { config.modelsDirectory(dir.toAbsolutePath().normalize()); return this; }
        public Builder inputDirectory(Path dir) { config.inputDirectory(dir.toAbsolutePath().normalize()); return this; }
        public Builder outputDirectory(Path dir) { config.outputDirectory(dir.toAbsolutePath().normalize()); return this; }
        public Builder tempDirectory(Path dir) { config.tempDirectory(dir.toAbsolutePath().normalize()); return this; }
        /** Run on the CPU even when a CUDA device is present. */
        public Builder cpuOnly(boolean value) { cpuOnly = value; return this; }
        /** libtorch's threads (0: the default), for the first engine of the JVM. */
        public Builder threads(int value) { threads = value; return this; }
        /** Memory the model manager leaves free ({@code --reserve-ram}). */
        public Builder reserveRamBytes(long value) { reserveRamBytes = value; return this; }
        /**
         * The dtypes the UNet and the VAE compute in: {@link ComputePrecision#FLOAT32} (the default, ComfyUI's numbers on
         * the CPU) or bfloat16 for either (about twice as fast on CPUs with AVX-512 BF16, close but not equal images).
         */
        public Builder precision(ComputePrecision value) { precision = Objects.requireNonNull(value); return this; }
        /** {@code none} (the default), {@code auto}, {@code latent2rgb} or {@code taesd}: what {@link RunListener#preview} gets. */
        public Builder previewMethod(String value) { config.previewMethod(value); return this; }
        /** Leave the prompt and workflow out of saved images' metadata. */
        public Builder disableMetadata(boolean value) { config.disableMetadata(value); return this; }

        public EmbeddedComfy build() {
            config.compute(new ComputeSettings(cpuOnly, threads, reserveRamBytes, precision));
            return new EmbeddedComfy(config.build());
        }
    }
}
