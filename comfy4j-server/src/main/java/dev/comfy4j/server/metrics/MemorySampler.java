package dev.comfy4j.server.metrics;

import dev.comfy4j.tensor.MemoryStats;
import dev.comfy4j.tensor.TorchRuntime;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;

/** Memory figures for {@code /metrics}: resident, the native part of it, and the GPU's. */
public final class MemorySampler {
    public long residentBytes() {
        return MemoryStats.currentRss();
    }

    /** RSS less what the JVM's own pools have committed: what libtorch and mapped files hold, roughly. */
    public long nativeBytes() {
        long jvm = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getUsage() != null) jvm += pool.getUsage().getCommitted();
        }
        return Math.max(0, residentBytes() - jvm);
    }

    /** Only once libtorch is loaded: asking earlier would load it on a scrape. */
    public boolean hasGpu() {
        return TorchRuntime.isStarted() && TorchRuntime.computeDevice().isCuda();
    }

    public long gpuTotalBytes() {
        return MemoryStats.read().deviceTotal();
    }

    public long gpuFreeBytes() {
        return MemoryStats.read().deviceFree();
    }
}
