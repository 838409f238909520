package dev.comfy4j.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.engine.cache.CacheSet;
import dev.comfy4j.engine.cache.NodeCache;
import dev.comfy4j.engine.cache.OutputReferences;
import dev.comfy4j.model.ModelManager;
import dev.comfy4j.json.Json;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.ObjectInfo;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine: a node registry, the validator, and the caches that live across prompts. Prompts run
 * one at a time ({@link #execute} is serialised); validation and object_info may run concurrently
 * on request threads.
 */
public final class GraphEngine implements Engine {
    private static final Logger LOG = LoggerFactory.getLogger(GraphEngine.class);

    private final ServerConfig config;
    private final NodeRegistry registry;
    private final Validator validator;
    private final AtomicBoolean interruptRequested = new AtomicBoolean();
    private final ReentrantLock running = new ReentrantLock();
    private final AtomicBoolean clearRequested = new AtomicBoolean();
    private final AtomicBoolean unloadRequested = new AtomicBoolean();
    private final ModelManager models;
    private final NativeMemoryGuard memoryGuard = new NativeMemoryGuard();
    /** Owns the tensors of cached outputs: they are closed when the last cache entry holding them goes. */
    private final OutputReferences outputReferences = OutputReferences.counting();
    private CacheSet caches;

    /** An engine with its own model manager (tests). */
    public GraphEngine(ServerConfig config, NodeRegistry registry) {
        this(config, registry, ModelManager.create(config.compute().reserveRamBytes(), config.compute().precision()));
    }

    public GraphEngine(ServerConfig config, NodeRegistry registry, ModelManager models) {
        this.config = config;
        this.registry = registry;
        this.models = models;
        this.validator = new Validator(registry, GraphLimits.of(config));
        this.caches = CacheSet.create(config.cacheMode(), registry, outputReferences);
    }

    /** How many distinct tensors the output caches hold now (each is closed when its last entry goes). */
    public int cachedOutputTensors() {
        return outputReferences.liveTensors();
    }

    public NodeRegistry registry() {
        return registry;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A prompt that is not a JSON object gives an {@code invalid_prompt} error (answer it with 400;
     * ComfyUI fails with 500). The returned prompt is a coerced copy; the argument is not changed.
     */
    @Override
    public ValidationOutcome validate(String promptId, JsonNode prompt, List<String> partialExecutionTargets) {
        ValidationOutcome outcome = validator.validate(prompt, partialExecutionTargets);
        if (!outcome.valid()) LOG.warn("invalid prompt: {}", describe(outcome));
        return outcome;
    }

    /** One line for the log: ComfyUI prints {@code invalid prompt: {error}} and the failing nodes. */
    static String describe(ValidationOutcome outcome) {
        StringBuilder line = new StringBuilder(outcome.error().path("message").asText());
        String details = outcome.error().path("details").asText("");
        if (!details.isEmpty()) line.append(": ").append(details);
        int shown = 0;
        for (var node : (Iterable<java.util.Map.Entry<String, JsonNode>>) outcome.nodeErrors().properties()::iterator) {
            if (shown++ == 3) {
                line.append("; ...");
                break;
            }
            line.append("; node ").append(node.getKey()).append(" (").append(node.getValue().path("class_type").asText()).append(")");
            for (JsonNode e : node.getValue().path("errors")) {
                line.append(": ").append(e.path("message").asText());
                String d = e.path("details").asText("");
                if (!d.isEmpty()) line.append(" ").append(d);
            }
        }
        return line.toString();
    }

    /**
     * {@inheritDoc}
     *
     * <p>IS_CHANGED results are written into {@code prompt} as {@code is_changed} keys, like ComfyUI
     * (so PROMPT hidden values and PNG metadata show them): pass a copy if the original must stay.
     */
    @Override
    public ExecutionOutcome execute(String promptId, ObjectNode prompt, ObjectNode extraData,
                                    List<String> outputsToExecute, ExecutionListener listener) {
        running.lock();
        try {
            interruptRequested.set(false);
            PromptRun run = new PromptRun(registry, config, caches, () -> interruptRequested.getAndSet(false),
                    promptId, prompt, extraData, outputsToExecute, listener);
            return run.run();
        } finally {
            applyDeferredFrees();
            memoryGuard.afterPrompt();
            running.unlock();
        }
    }

    @Override
    public void interrupt() {
        interruptRequested.set(true);
    }

    /** Empties every cache now, or right after the running prompt if one is running. */
    @Override
    public void clearCaches() {
        clearRequested.set(true);
        if (running.tryLock()) {
            try {
                applyDeferredFrees();
            } finally {
                running.unlock();
            }
        }
    }

    /**
     * Unloads every model of the model manager and drops the node instances the engine holds, now
     * or right after the running prompt. Cached outputs stay.
     */
    @Override
    public void unloadModels() {
        unloadRequested.set(true);
        if (running.tryLock()) {
            try {
                applyDeferredFrees();
            } finally {
                running.unlock();
            }
        }
    }

    /**
     * Models are unloaded only when asked ({@code unload_models}, which {@code free_memory} implies
     * unless the client said false, as in ComfyUI); dropping the caches closes the cached output
     * tensors at once, then collects and trims the native heap so the resident size drops too.
     */
    private void applyDeferredFrees() {
        if (unloadRequested.getAndSet(false)) {
            CacheSet fresh = CacheSet.create(config.cacheMode(), registry, outputReferences);
            caches = new CacheSet(caches.outputs(), caches.ui(), fresh.objects());
            models.unloadAll();
        }
        if (clearRequested.getAndSet(false)) {
            caches.all().forEach(NodeCache::releaseAll); // closes every cached output tensor now
            caches = CacheSet.create(config.cacheMode(), registry, outputReferences);
            memoryGuard.collect();
        }
    }

    @Override
    public ObjectNode objectInfo() {
        ObjectNode all = Json.object();
        for (NodeRegistry.Entry e : registry.all()) {
            try {
                all.set(e.schema().className(), ObjectInfo.describe(e.schema()));
            } catch (RuntimeException ex) {
                // ComfyUI logs and skips a class whose info fails (a broken folder listing, say).
                LOG.warn("object_info failed for {}", e.schema().className(), ex);
            }
        }
        return all;
    }

    @Override
    public ObjectNode objectInfo(String className) {
        ObjectNode one = Json.object();
        NodeRegistry.Entry e = registry.get(className);
        if (e != null) one.set(className, ObjectInfo.describe(e.schema()));
        return one;
    }
}
