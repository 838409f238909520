package dev.comfy4j.tensor;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Memory figures for {@code /system_stats} and for the model manager's budget, read from Linux's
 * {@code /proc}. On the CPU the "device" memory is the RAM, as ComfyUI reports it.
 *
 * @param ramTotal bytes of RAM ({@code MemTotal})
 * @param ramFree bytes that can be had without swapping ({@code MemAvailable})
 * @param processRss this process's resident bytes ({@code VmRSS})
 * @param device the compute device
 * @param deviceTotal bytes of device memory (RAM on the CPU; -1 when the CUDA runtime cannot be asked)
 * @param deviceFree free bytes of device memory (as above)
 */
public record MemoryStats(long ramTotal, long ramFree, long processRss, Device device, long deviceTotal, long deviceFree) {
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final Path STATUS = Path.of("/proc/self/status");

    /** Reads the current figures. */
    public static MemoryStats read() {
        long total = meminfo("MemTotal:");
        long free = meminfo("MemAvailable:");
        Device device = TorchRuntime.computeDevice();
        long[] dev = device.isCuda() ? CudaMemory.query(device.index()) : new long[]{total, free};
        return new MemoryStats(total, free, currentRss(), device, dev[0], dev[1]);
    }

    /** This process's resident set size in bytes ({@code VmRSS}), or -1 where /proc is absent. */
    public static long currentRss() {
        return field(STATUS, "VmRSS:");
    }

    /** Available RAM in bytes ({@code MemAvailable}), or -1 where /proc is absent. */
    public static long availableRam() {
        return meminfo("MemAvailable:");
    }

    public static long totalRam() {
        return meminfo("MemTotal:");
    }

    /**
     * Returns freed heap pages to the OS (glibc {@code malloc_trim}). libtorch frees tensors with
     * {@code free()}, and glibc keeps part of that memory for reuse; after unloading models this makes
     * the drop visible in RSS. A no-op where the function does not exist.
     */
    public static void trimNativeHeap() {
        MALLOC_TRIM.ifPresent(h -> {
            try {
                int ignored = (int) h.invokeExact(0L);
            } catch (Throwable e) {
                throw new IllegalStateException("malloc_trim failed", e);
            }
        });
    }

    private static final Optional<MethodHandle> MALLOC_TRIM = Linker.nativeLinker().defaultLookup().find("malloc_trim")
            .map(addr -> Linker.nativeLinker().downcallHandle(addr, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)));

    private static long meminfo(String key) {
        return field(MEMINFO, key);
    }

    private static long field(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    long value = Long.parseLong(parts[0]);
                    return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? value * 1024 : value;
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Asks the CUDA runtime through JavaCPP's CUDA preset when it is on the classpath (GPU builds). */
    private static final class CudaMemory {
        static long[] query(int device) {
            try {
                Class<?> cudart = Class.forName("org.bytedeco.cuda.global.cudart");
                Class<?> sizeT = Class.forName("org.bytedeco.javacpp.SizeTPointer");
                Object free = sizeT.getConstructor(long.class).newInstance(1L);
                Object total = sizeT.getConstructor(long.class).newInstance(1L);
                cudart.getMethod("cudaSetDevice", int.class).invoke(null, device);
                int rc = (int) cudart.getMethod("cudaMemGetInfo", sizeT, sizeT).invoke(null, free, total);
                if (rc != 0) return new long[]{-1, -1};
                long f = (long) sizeT.getMethod("get").invoke(free);
                long t = (long) sizeT.getMethod("get").invoke(total);
                return new long[]{t, f};
            } catch (ReflectiveOperationException | LinkageError e) {
                return new long[]{-1, -1};
            }
        }
    }
}
