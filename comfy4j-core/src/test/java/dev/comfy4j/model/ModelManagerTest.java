package dev.comfy4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.model.TorchZipWriter.FloatTensor;
import dev.comfy4j.tensor.MemoryStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelManagerTest {
    @TempDir
    Path dir;

    /** A fake model that records its closing. */
    private static final class Fake implements LoadedModel {
        final long bytes;
        final List<String> log;
        final String name;

        Fake(String name, long bytes, List<String> log) {
            this.name = name;
            this.bytes = bytes;
            this.log = log;
        }

        @Override
        public long byteSize() {
            return bytes;
        }

        @Override
        public void close() {
            log.add("closed " + name);
        }

        @Override
        public void releaseMappedPages() {
            log.add("released pages of " + name);
        }
    }

    @Test
    void releasingMappedPagesSkipsModelsInUseAndUnloadsNothing() throws Exception {
        List<String> log = new ArrayList<>();
        ModelManager m = new ModelManager(0, Long.MAX_VALUE, () -> Long.MAX_VALUE);
        m.acquire("idle", 100, () -> new Fake("idle", 100, log)).close();
        try (var busy = m.acquire("busy", 100, () -> new Fake("busy", 100, log))) {
            m.releaseIdleMappedPages();
            assertThat(log).containsExactly("released pages of idle");
        }
        assertThat(m.loaded()).hasSize(2);
    }

    @Test
    void cachesModelsAndEvictsLeastRecentlyUsedUnderTheCap() throws Exception {
        List<String> log = new ArrayList<>();
        ModelManager m = new ModelManager(0, 250, () -> Long.MAX_VALUE);
        for (String name : List.of("a", "b")) {
            try (var lease = m.acquire(name, 100, () -> new Fake(name, 100, log))) {
                assertThat(lease.model().name).isEqualTo(name);
            }
        }
        try (var again = m.<Fake>acquire("a", 100, () -> { throw new AssertionError("a is cached"); })) {
            assertThat(again.model().name).isEqualTo("a");
        }
        try (var c = m.acquire("c", 100, () -> new Fake("c", 100, log))) { // b is least recently used now
            assertThat(log).containsExactly("closed b");
            assertThat(m.loaded()).extracting(ModelManager.LoadedInfo::key).containsExactly("a", "c");
            m.unloadAll(); // c is in use: it goes when released
            assertThat(log).containsExactly("closed b", "closed a");
        }
        assertThat(log).containsExactly("closed b", "closed a", "closed c");
        assertThat(m.loadedBytes()).isZero();
    }

    @Test
    void evictsWhenAvailableRamMinusReserveIsShort() throws Exception {
        List<String> log = new ArrayList<>();
        AtomicLong available = new AtomicLong(1000);
        ModelManager m = new ModelManager(300, Long.MAX_VALUE, available::get);
        m.acquire("a", 100, () -> new Fake("a", 100, log)).close();
        available.set(350); // 350 - 300 reserve < 100 needed
        m.acquire("b", 100, () -> new Fake("b", 100, log)).close();
        assertThat(log).containsExactly("closed a");
        m.freeMemory(Long.MAX_VALUE / 2);
        assertThat(log).containsExactly("closed a", "closed b");
    }

    @Test
    void unloadAllReallyLowersRss() throws Exception {
        // Two 48 MiB float32 tensors in a zip checkpoint: loading copies them into native memory.
        int n = 12 << 20;
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        tensors.put("a", new FloatTensor(new float[n], new long[]{n}));
        tensors.put("b", new FloatTensor(new float[n], new long[]{n}));
        Path ckpt = dir.resolve("big.ckpt");
        TorchZipWriter.write(ckpt, tensors);
        tensors.clear();
        System.gc();
        ModelManager m = ModelManager.create(0);
        try (var lease = m.checkpoint(ckpt)) {
            assertThat(lease.model().stateDict().byteSize()).isEqualTo(2L * n * 4);
            lease.model().stateDict().get("a").sum().close(); // touch the pages
        }
        long loaded = MemoryStats.currentRss();
        m.unloadAll();
        long after = MemoryStats.currentRss();
        assertThat(m.loaded()).isEmpty();
        assertThat(loaded - after).as("RSS drop after unloadAll").isGreaterThan(64L << 20);
        MemoryStats stats = m.memoryStats();
        assertThat(stats.ramTotal()).isPositive();
        assertThat(stats.ramFree()).isPositive();
        assertThat(stats.deviceTotal()).isPositive();
    }
}
