package dev.comfy4j.model;

import dev.comfy4j.tensor.CpuFeatures;
import dev.comfy4j.tensor.MemoryStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads models on demand, keeps them while memory allows and unloads the least recently used first.
 *
 * <pre>{@code
 * ModelManager models = ModelManager.create(reserveBytes);
 * try (ModelManager.Lease<StateDict> ckpt = models.checkpoint(path)) {
 *     StateDict sd = ckpt.model();          // loaded once, reused by later leases
 *     ...
 * }                                         // released: stays cached until memory is needed
 * models.unloadAll();                       // POST /free {"unload_models": true}
 * }</pre>
 *
 * <p>A model is never unloaded while a {@link Lease} on it is open; {@link #unloadAll()} unloads
 * those as soon as their last lease closes. Before each load the manager evicts idle models until
 * the RAM still available, minus the reserve, fits the new model (ComfyUI's {@code free_memory}), and
 * keeps the total of loaded models under an optional cap. Thread-safe.
 */
public final class ModelManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelManager.class);
    private long loads;
    private long unloads;
    /** Loads one model; runs without the manager's lock held. */
    @FunctionalInterface
    public interface Loader<T extends LoadedModel> {
        T load() throws Exception;
    }

    /** Use of a loaded model; close it when done so the model may be evicted later. */
    public static final class Lease<T extends LoadedModel> implements AutoCloseable {
        private final ModelManager manager;
        private final Entry entry;
        private boolean closed;

        private Lease(ModelManager manager, Entry entry) {
            this.manager = manager;
            this.entry = entry;
        }

        @SuppressWarnings("unchecked")
        public T model() {
            if (closed) throw new IllegalStateException("lease is closed");
            return (T) entry.model;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                manager.release(entry);
            }
        }
    }

    /** One loaded model as {@link #loaded()} reports it. */
    public record LoadedInfo(String key, long bytes, int leases) {}

    private static final class Entry {
        final String key;
        final LoadedModel model;
        int leases;
        boolean unloadWhenIdle;

        Entry(String key, LoadedModel model) {
            this.key = key;
            this.model = model;
        }
    }

    /** Access-ordered: iteration starts at the least recently used. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final long reserveBytes;
    private final long maxLoadedBytes;
    private final LongSupplier availableBytes;
    private final ComputePrecision precision;

    /**
     * @param reserveBytes RAM to leave free for everything else ({@code --reserve-ram})
     * @param maxLoadedBytes cap on the total size of loaded models; {@code Long.MAX_VALUE} for none
     * @param availableBytes how much RAM is available right now
     */
    public ModelManager(long reserveBytes, long maxLoadedBytes, LongSupplier availableBytes) {
        this(reserveBytes, maxLoadedBytes, availableBytes, ComputePrecision.FLOAT32);
    }

    /** As {@link #ModelManager(long, long, LongSupplier)}; the models it loads compute in {@code precision}. */
    public ModelManager(long reserveBytes, long maxLoadedBytes, LongSupplier availableBytes, ComputePrecision precision) {
        this.reserveBytes = reserveBytes;
        this.maxLoadedBytes = maxLoadedBytes;
        this.availableBytes = availableBytes;
        this.precision = precision;
    }

    /** A manager that budgets against the machine's available RAM; its models compute in float32. */
    public static ModelManager create(long reserveBytes) {
        return create(reserveBytes, ComputePrecision.FLOAT32);
    }

    /** A manager that budgets against the machine's available RAM; its models compute in {@code precision}. */
    public static ModelManager create(long reserveBytes, ComputePrecision precision) {
        if (!precision.equals(ComputePrecision.FLOAT32)) {
            LOG.info("UNet computes in {}, VAE in {}", precision.unet(), precision.vae());
            if (CpuFeatures.hasBf16Instructions().equals(Optional.of(false))) {
                LOG.warn("this CPU has no bfloat16 instructions (avx512_bf16, amx_bf16): libtorch emulates bfloat16 and"
                        + " runs it slower than float32; --bf16-unet and --bf16-vae only pay off on CPUs that have them or on CUDA");
            }
        }
        return new ModelManager(reserveBytes, Long.MAX_VALUE, MemoryStats::availableRam, precision);
    }

    /** The dtypes the models this manager loads compute in (ComfyUI's {@code unet_dtype}, {@code vae_dtype}). */
    public ComputePrecision precision() {
        return precision;
    }

    /**
     * The model stored under {@code key}, loading it with {@code loader} when absent.
     * {@code expectedBytes} (e.g. the file size) is what is made room for before loading.
     */
    public <T extends LoadedModel> Lease<T> acquire(String key, long expectedBytes, Loader<T> loader) throws Exception {
        synchronized (this) {
            Entry e = entries.get(key);
            if (e != null) {
                e.leases++;
                return new Lease<>(this, e);
            }
            makeRoom(expectedBytes);
        }
        T model = loader.load();
        synchronized (this) {
            Entry existing = entries.get(key);
            if (existing != null) { // another thread loaded it meanwhile: keep theirs
                model.close();
                existing.leases++;
                return new Lease<>(this, existing);
            }
            Entry e = new Entry(key, model);
            e.leases = 1;
            entries.put(key, e);
            loads++;
            return new Lease<>(this, e);
        }
    }

    /**
     * Releases the mapped file pages of every model no lease is using ({@link LoadedModel#releaseMappedPages}):
     * what a large computation (a VAE decode at 1024x1024) does first, so that the idle UNet's pages do not add
     * to its peak. The models stay loaded.
     */
    public synchronized void releaseIdleMappedPages() {
        for (Entry e : entries.values()) {
            if (e.leases == 0) e.model.releaseMappedPages();
        }
    }

    /** A checkpoint's state dict, keyed by its absolute path. */
    public Lease<LoadedStateDict> checkpoint(Path path) throws Exception {
        Path abs = path.toAbsolutePath().normalize();
        return acquire("checkpoint:" + abs, Files.size(abs), () -> new LoadedStateDict(ModelFiles.loadStateDict(abs)));
    }

    /** A state dict as a {@link LoadedModel}. */
    public record LoadedStateDict(StateDict stateDict) implements LoadedModel {
        @Override
        public long byteSize() {
            return stateDict.byteSize();
        }

        @Override
        public void close() {
            stateDict.close();
        }
    }

    private synchronized void release(Entry e) {
        e.leases--;
        if (e.leases == 0 && e.unloadWhenIdle) unload(e);
    }

    /** Evicts idle models, least recently used first, until {@code bytes} more fit. */
    public synchronized void freeMemory(long bytes) {
        makeRoom(bytes);
        MemoryStats.trimNativeHeap();
    }

    private void makeRoom(long bytes) {
        List<Entry> idle = new ArrayList<>();
        for (Entry e : entries.values()) if (e.leases == 0) idle.add(e);
        for (Entry e : idle) {
            boolean ramShort = availableBytes.getAsLong() - reserveBytes < bytes;
            boolean overCap = loadedBytes() + bytes > maxLoadedBytes;
            if (!ramShort && !overCap) break;
            unload(e);
        }
    }

    /** Unloads every model; those in use go when their last lease closes. */
    public synchronized void unloadAll() {
        for (Entry e : new ArrayList<>(entries.values())) {
            if (e.leases == 0) unload(e);
            else e.unloadWhenIdle = true;
        }
        MemoryStats.trimNativeHeap();
    }

    private void unload(Entry e) {
        entries.remove(e.key);
        e.model.close();
        unloads++;
    }

    /** Models loaded since start (for {@code /metrics}). */
    public synchronized long loadCount() {
        return loads;
    }

    /** Models unloaded since start (for {@code /metrics}). */
    public synchronized long unloadCount() {
        return unloads;
    }

    /** Total size of the loaded models. */
    public synchronized long loadedBytes() {
        long n = 0;
        for (Entry e : entries.values()) n += e.model.byteSize();
        return n;
    }

    /** Loaded models, least recently used first. */
    public synchronized List<LoadedInfo> loaded() {
        List<LoadedInfo> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : new LinkedHashMap<>(entries).entrySet()) {
            out.add(new LoadedInfo(e.getKey(), e.getValue().model.byteSize(), e.getValue().leases));
        }
        return out;
    }

    /** RAM and device memory now, for {@code /system_stats}. */
    public MemoryStats memoryStats() {
        return MemoryStats.read();
    }

    @Override
    public synchronized void close() {
        for (Entry e : new ArrayList<>(entries.values())) unload(e);
    }
}
