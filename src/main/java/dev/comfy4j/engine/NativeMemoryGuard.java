package dev.comfy4j.engine;

import dev.comfy4j.tensor.MemoryStats;

/**
 * Keeps the native memory of dropped node outputs from piling up between prompts.
 *
 * <p>Node outputs are libtorch tensors owned by the output caches; when a cache drops an entry, the
 * tensor's native memory is freed by JavaCPP once the garbage collector finds the handle
 * unreachable. The handles are tiny, so the Java heap alone would rarely ask for a collection while
 * gigabytes of image data wait behind them. After each prompt this guard looks at the process's
 * resident memory and, when it grew by more than {@link #GROWTH_BYTES} since the last collection,
 * collects and returns the freed native heap to the OS. Not thread-safe: the engine calls it from
 * the prompt thread.
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
