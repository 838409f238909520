package dev.comfy4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.support.TestServer;
import dev.comfy4j.tensor.DType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /free} reaches the model manager through the worker and the engine. */
class FreeRouteTest {
    @TempDir Path base;

    @Test
    void unloadModelsEmptiesTheModelManager() throws Exception {
        Path checkpoint = TinyCheckpoints.writeSd15(base.resolve("tiny.safetensors"), SdLayouts.Sizes.TINY, DType.F16, 7);
        try (TestServer server = TestServer.start(TestServer.config(base))) {
            ModelManager models = server.app().models();
            try (var lease = models.checkpoint(checkpoint)) {
                assertThat(lease.model().stateDict().keys()).isNotEmpty();
            }
            assertThat(models.loaded()).hasSize(1);
            assertThat(server.post("/free", "{\"unload_models\": true}").statusCode()).isEqualTo(200);
            awaitEmpty(models);
            assertThat(models.loadedBytes()).isZero();

            try (var lease = models.checkpoint(checkpoint)) {
                assertThat(models.loaded()).hasSize(1);
            }
            // free_memory with unload_models false keeps the models, as ComfyUI does
            server.post("/free", "{\"unload_models\": false, \"free_memory\": true}");
            Thread.sleep(500);
            assertThat(models.loaded()).hasSize(1);
            // free_memory implies unload_models when that key is absent (API spec §6.6)
            server.post("/free", "{\"free_memory\": true}");
            awaitEmpty(models);
        }
    }

    @Test
    void freeLowersTheServersResidentMemory() throws Exception {
        // Two 48 MiB float32 tensors in a zip checkpoint: loading copies them into native memory.
        int n = 12 << 20;
        java.util.Map<String, TorchZipWriter.FloatTensor> tensors = new java.util.LinkedHashMap<>();
        tensors.put("a", new TorchZipWriter.FloatTensor(new float[n], new long[] {n}));
        tensors.put("b", new TorchZipWriter.FloatTensor(new float[n], new long[] {n}));
        Path ckpt = base.resolve("big.ckpt");
        TorchZipWriter.write(ckpt, tensors);
        tensors.clear();
        try (TestServer server = TestServer.start(TestServer.config(base))) {
            ModelManager models = server.app().models();
            try (var lease = models.checkpoint(ckpt)) {
                lease.model().stateDict().get("a").sum().close(); // touch the pages
            }
            long loaded = dev.comfy4j.tensor.MemoryStats.currentRss();
            server.post("/free", "{\"unload_models\": true, \"free_memory\": true}");
            awaitEmpty(models);
            long after = dev.comfy4j.tensor.MemoryStats.currentRss();
            assertThat(loaded - after).as("RSS drop after POST /free").isGreaterThan(64L << 20);
        }
    }

    private static void awaitEmpty(ModelManager models) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (!models.loaded().isEmpty() && System.currentTimeMillis() < deadline) Thread.sleep(20);
        assertThat(models.loaded()).isEmpty();
    }
}
