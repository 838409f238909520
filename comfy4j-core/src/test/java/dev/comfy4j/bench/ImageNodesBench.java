package dev.comfy4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.files.Folders;
import dev.comfy4j.json.Json;
import dev.comfy4j.nodes.GraphBuilder;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.image.ImageScale;
import dev.comfy4j.nodes.image.SaveImage;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Times SaveImage (a 1024x1024 batch of 4, PNG level 4 with metadata) and ImageScale lanczos
 * (512x512 to 1024x1024). Run: see bench/README.md.
 */
public final class ImageNodesBench {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path base = Files.createTempDirectory("comfy4j-bench");
        ServerConfig config = ServerConfig.defaults(base);
        try (Folders folders = Folders.create(config); TensorScope ignored = TensorScope.open()) {
            NodeContext ctx = new BenchContext(config);
            Tensor batch = Tensor.arange(0, 4L * 1024 * 1024 * 3, 1, DType.F32).mul(0.618034).sin().abs().reshape(4, 1024, 1024, 3);
            Tensor small = batch.narrow(0, 0, 1).narrow(1, 0, 512).narrow(2, 0, 512).contiguous();
            SaveImage save = new SaveImage(folders);
            ImageScale scale = new ImageScale();
            time("SaveImage 4x1024x1024", rounds, () -> save.execute(NodeInputs.of(Map.of("images", batch, "filename_prefix", "bench")), ctx));
            time("ImageScale lanczos 512->1024", rounds, () -> scale.execute(NodeInputs.of(Map.of("image", small,
                    "upscale_method", "lanczos", "width", 1024L, "height", 1024L, "crop", "disabled")), ctx));
            time("ImageScale bicubic 512->1024", rounds, () -> scale.execute(NodeInputs.of(Map.of("image", small,
                    "upscale_method", "bicubic", "width", 1024L, "height", 1024L, "crop", "disabled")), ctx));
        }
    }

    private interface Body {
        Object run() throws Exception;
    }

    private static void time(String name, int rounds, Body body) throws Exception {
        body.run();
        long best = Long.MAX_VALUE, total = 0;
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            body.run();
            long dt = System.nanoTime() - t0;
            best = Math.min(best, dt);
            total += dt;
        }
        System.out.printf("%-32s best %8.1f ms  mean %8.1f ms  (%d rounds)%n", name, best / 1e6, total / 1e6 / rounds, rounds);
    }

    private record BenchContext(ServerConfig config) implements NodeContext {
        @Override public String promptId() { return "bench"; }
        @Override public String uniqueId() { return "1"; }
        @Override public int listIndex() { return 0; }
        @Override public ObjectNode prompt() {
            ObjectNode p = Json.object();
            p.putObject("1").put("class_type", "SaveImage");
            return p;
        }
        @Override public JsonNode extraPngInfo() { return null; }
        @Override public void progress(Number value, Number max) {}
        @Override public void progress(Number value, Number max, String imageType, byte[] encodedImage) {}
        @Override public void progressText(String text) {}
        @Override public void checkInterrupt() {}
        @Override public GraphBuilder graphBuilder() { throw new UnsupportedOperationException(); }
    }
}
