package dev.comfy4j.model.upscale;

import dev.comfy4j.model.ModelManager;
import dev.comfy4j.tensor.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ComfyUI's UPSCALE_MODEL value: the upscale model in {@code file}. The weights belong to the
 * {@link ModelManager} (loaded on first use, kept until {@code POST /free} or memory pressure evicts
 * them), so the node-output caches never own them and a cached loader output keeps working after a free.
 */
public record UpscaleModelHandle(ModelManager manager, Path file, Supplier<Device> device) {
    private static final Logger LOG = LoggerFactory.getLogger(UpscaleModelHandle.class);

    /** The loaded model, for the duration of one computation. */
    public ModelManager.Lease<UpscaleModel> acquire() throws Exception {
        Path abs = file.toAbsolutePath().normalize();
        Device d = device.get();
        return manager.acquire("UPSCALE_MODEL:" + abs + "@" + d, Files.size(abs), () -> {
            long start = System.nanoTime();
            UpscaleModel model = UpscaleModels.load(abs, d);
            LOG.info("Loaded upscale model {} ({}: {}) in {} s ({} MB)", file.getFileName(), model.architecture(),
                    model.description(), String.format("%.2f", (System.nanoTime() - start) / 1e9), model.byteSize() >> 20);
            return model;
        });
    }

    @Override
    public String toString() {
        return "UPSCALE_MODEL[" + file.getFileName() + "]";
    }
}
