package dev.comfy4j.tensor;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts libtorch once per process: extracts the native libraries, loads them, sets the thread count
 * and picks the compute device.
 *
 * <p>libtorch is process-global state (its thread pool, its allocator), so this class is too; it is the
 * one place that holds it. {@link #start} may be called once by the application with the command-line
 * options; every tensor operation calls {@link #ensureStarted()}, which starts with defaults when
 * nothing started it before. Thread-safe.
 */
public final class TorchRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(TorchRuntime.class);

    /**
     * Folders of native libraries inside the bytedeco jars. Extracting them all before the first
     * {@code Loader.load} avoids the crash of the very first JVM on an empty cache (a SIGSEGV in
     * {@code pthread_mutex_lock} while {@code libtorch_cpu.so} loads half-extracted dependencies,
     * spec/compute-backend.md section 5).
     */
    private static final String[] NATIVE_RESOURCE_KINDS = {"javacpp", "openblas", "pytorch"};

    private static volatile State state;
    private static volatile RuntimeOptions configured = RuntimeOptions.defaults();

    /** What the runtime started with and found. */
    public record State(Device device, int threads, boolean cudaAvailable, int cudaDevices, long startMillis) {}

    private TorchRuntime() {}

    /**
     * Starts the runtime with these options. A second call with the same options is a no-op; with
     * other options it only changes the thread count (the device is fixed once tensors exist).
     */
    public static synchronized State start(RuntimeOptions options) {
        if (state != null) {
            int threads = resolveThreads(options.threads());
            if (threads != state.threads()) {
                torch.set_num_threads(threads);
                state = new State(state.device(), threads, state.cudaAvailable(), state.cudaDevices(), state.startMillis());
            }
            return state;
        }
        long t0 = System.nanoTime();
        setDefaultEnvironment();
        extractNatives();
        Loader.load(torch.class);
        // NNPACK cannot initialise on CPUs it does not know (these AMD EPYCs among them) and then
        // warns on every convolution; libtorch falls back to oneDNN either way, so nothing changes
        // but the log.
        torch.globalContext().setUserEnabledNNPACK(false);
        int threads = resolveThreads(options.threads());
        torch.set_num_threads(threads);
        boolean cuda = cudaAvailable();
        int count = cuda ? cudaDeviceCount() : 0;
        Device device = cuda && !options.forceCpu() ? Device.cuda(0) : Device.CPU;
        long ms = (System.nanoTime() - t0) / 1_000_000;
        state = new State(device, threads, cuda, count, ms);
        LOG.info("libtorch ready in {} ms: device {}, {} threads{}", ms, device, threads,
                cuda ? ", " + count + " CUDA device(s)" : "");
        return state;
    }

    /** Whether libtorch is loaded (for {@code /readyz}); never starts it. */
    public static boolean isStarted() {
        return state != null;
    }

    /** The version of the bytedeco PyTorch build on the class path, e.g. {@code 2.10.0-1.5.13}. */
    public static String version() {
        // The jar manifest is gone in a shaded jar; Maven's pom.properties survives shading.
        try (var in = torch.class.getResourceAsStream("/META-INF/maven/org.bytedeco/pytorch/pom.properties")) {
            if (in != null) {
                var properties = new java.util.Properties();
                properties.load(in);
                return properties.getProperty("version", "unknown");
            }
        } catch (java.io.IOException e) {
            LOG.debug("cannot read the PyTorch build version: {}", e.getMessage());
        }
        return "unknown";
    }

    /**
     * Sets the options a later {@link #ensureStarted()} starts with, without loading anything: the
     * server configures the runtime first and loads it in the background, so that no tensor
     * operation can start it with other options in between.
     */
    public static void configure(RuntimeOptions options) {
        configured = options;
    }

    /** Starts with the {@linkplain #configure configured} options (by default {@link RuntimeOptions#defaults()}) unless already started. */
    public static State ensureStarted() {
        State s = state;
        return s != null ? s : start(configured);
    }

    /**
     * Loads the runtime on a background thread: the server answers HTTP at once while libtorch (about
     * a second, more on a first start that extracts the natives) loads; the first tensor operation
     * waits for it.
     */
    public static void startInBackground() {
        Thread.ofPlatform().name("torch-start").daemon(true).start(() -> {
            try {
                ensureStarted();
            } catch (Throwable e) {
                LOG.error("libtorch failed to start; tensor operations will fail", e);
            }
        });
    }

    /** The device models and activations go to: CUDA 0 when present and not forced off, else the CPU. */
    public static Device computeDevice() {
        return ensureStarted().device();
    }

    private static int resolveThreads(int requested) {
        return requested > 0 ? requested : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Environment the natives read when they load, set only where the user has not set it:
     * <ul>
     *   <li>{@code THP_MEM_ALLOC_ENABLE=1}: libtorch's CPU allocator backs large tensors with
     *       transparent huge pages (read by c10 at its first large allocation). Every large activation
     *       is a fresh allocation; with 4 KB pages each one costs a page fault per 4 KB on first touch,
     *       which measured up to 8x the work of the op itself for the VAE's 32-128 MB activations on a
     *       loaded VM (bench/README.md, VAE section).</li>
     *   <li>{@code OPENBLAS_NUM_THREADS=1}: ATen already spreads each op over its own OpenMP threads;
     *       OpenBLAS's separate thread pool then fights them for the same cores. With one BLAS thread
     *       the tiny-UNet memory test ran in 12 s instead of 142 s, and a 512x512 SD1.5 CFG call took
     *       15.3 s instead of 16.6 s with a third less CPU time (bench/README.md).</li>
     * </ul>
     */
    private static void setDefaultEnvironment() {
        setenvUnlessSet("THP_MEM_ALLOC_ENABLE", "1");
        setenvUnlessSet("OPENBLAS_NUM_THREADS", "1");
    }

    private static void setenvUnlessSet(String name, String value) {
        try {
            var linker = java.lang.foreign.Linker.nativeLinker();
            var setenv = linker.defaultLookup().find("setenv");
            if (setenv.isEmpty()) return;
            var handle = linker.downcallHandle(setenv.get(), java.lang.foreign.FunctionDescriptor.of(
                    java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.ADDRESS,
                    java.lang.foreign.ValueLayout.ADDRESS, java.lang.foreign.ValueLayout.JAVA_INT));
            try (var arena = java.lang.foreign.Arena.ofConfined()) {
                // overwrite = 0: a value the user set wins
                int ignored = (int) handle.invokeExact(arena.allocateFrom(name), arena.allocateFrom(value), 0);
            }
        } catch (Throwable e) {
            LOG.debug("could not set {} for the natives: {}", name, e.toString());
        }
    }

    private static void extractNatives() {
        String platform = Loader.getPlatform();
        List<String> folders = new ArrayList<>();
        for (String kind : NATIVE_RESOURCE_KINDS) folders.add("/org/bytedeco/" + kind + "/" + platform + "/");
        // A CUDA build ships its own folders; extracting a folder that is absent is harmless.
        folders.add("/org/bytedeco/cuda/" + platform + "/");
        for (String folder : folders) {
            try {
                Loader.cacheResources(folder);
            } catch (Exception e) {
                throw new IllegalStateException("could not extract native libraries from " + folder
                        + " into the JavaCPP cache (set -Dorg.bytedeco.javacpp.cachedir to a writable folder)", e);
            }
        }
    }

    private static boolean cudaAvailable() {
        try {
            return torch.cuda_is_available();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return false;
        }
    }

    private static int cudaDeviceCount() {
        try {
            return torch.cuda_device_count();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return 0;
        }
    }
}
