package dev.comfy4j.engine;

import dev.comfy4j.tensor.MemoryStats;

/**
 * Returns freed native memory to the OS between prompts.
 *
 * <p>Cached node outputs are closed as soon as the last cache entry holding them goes
 * ({@code cache.OutputReferences}), so their memory is freed at once. What this guard covers is the
 * rest: tensors dropped without a close (a value that does not declare its tensors, a temporary that
 * escaped its scope), which JavaCPP frees only when the collector finds their tiny handles, and the
 * allocator keeping freed pages. After each prompt it looks at the process's resident memory and, when
 * it grew by more than {@link #GROWTH_BYTES} since the last collection, collects and trims the native
 * heap. Not thread-safe: the engine calls it from the prompt thread.
 */
final class NativeMemoryGuard {
    static final long GROWTH_BYTES = 256L * 1024 * 1024;

    private long baseline = -1;

    void afterPrompt() {
        long rss = MemoryStats.currentRss();
        if (rss < 0) return; // no /proc: leave it to the collector
        if (baseline < 0) {
            baseline = rss;
        } else if (rss - baseline > GROWTH_BYTES) {
            collect();
        }
    }

    /** Collects now and takes the memory after it as the new baseline. */
    void collect() {
        System.gc();
        MemoryStats.trimNativeHeap();
        baseline = MemoryStats.currentRss();
    }
}
