package dev.comfy4j.server.routes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.App;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.engine.Engine;
import dev.comfy4j.json.Json;
import dev.comfy4j.server.Exchange;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code /system_stats}, {@code /features} and {@code /object_info} (API spec §9, §11.2, §11.3). */
public final class SystemRoutes implements RouteFamily {
    /** The ComfyUI release whose API comfy4j answers. */
    public static final String COMFYUI_VERSION = "0.3.64";

    private final ServerConfig config;
    private final Engine engine;

    public SystemRoutes(ServerConfig config, Engine engine) {
        this.config = config;
        this.engine = engine;
    }

    @Override
    public void register(Router router) {
        router.get("/system_stats", this::systemStats);
        router.get("/features", ex -> ex.json(features(config)));
        router.get("/object_info", ex -> ex.json(engine.objectInfo()));
        router.get("/object_info/{node_class}", ex -> ex.json(engine.objectInfo(ex.pathParam("node_class"))));
    }

    /** The server's feature flags; also the payload of the WebSocket {@code feature_flags} reply. */
    public static ObjectNode features(ServerConfig config) {
        ObjectNode flags = Json.object();
        flags.put("supports_preview_metadata", true);
        flags.put("max_upload_size", config.maxUploadBytes());
        return flags;
    }

    private void systemStats(Exchange ex) {
        MemoryInfo memory = MemoryInfo.read();
        ObjectNode body = Json.object();
        ObjectNode system = body.putObject("system");
        system.put("os", System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows") ? "nt" : "posix");
        system.put("ram_total", memory.total());
        system.put("ram_free", memory.available());
        system.put("comfyui_version", COMFYUI_VERSION);
        system.putNull("required_frontend_version");
        system.putNull("installed_templates_version");
        system.putNull("required_templates_version");
        system.put("python_version", "comfy4j " + App.VERSION + " on Java " + Runtime.version());
        system.put("pytorch_version", "none");
        system.put("embedded_python", false);
        ArrayNode argv = system.putArray("argv");
        argv.add("comfy4j");
        config.argv().forEach(argv::add);
        ArrayNode devices = body.putArray("devices");
        ObjectNode cpu = devices.addObject();
        cpu.put("name", "cpu");
        cpu.put("type", "cpu");
        cpu.putNull("index");
        cpu.put("vram_total", memory.total());
        cpu.put("vram_free", memory.available());
        cpu.put("torch_vram_total", memory.total());
        cpu.put("torch_vram_free", memory.available());
        ex.json(body);
    }

    /** Physical memory in bytes, from /proc/meminfo where there is one, else the JVM's view. */
    record MemoryInfo(long total, long available) {
        static MemoryInfo read() {
            try {
                List<String> lines = Files.readAllLines(Path.of("/proc/meminfo"));
                return new MemoryInfo(kib(lines, "MemTotal:"), kib(lines, "MemAvailable:"));
            } catch (IOException | RuntimeException e) {
                var os = (com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                return new MemoryInfo(os.getTotalMemorySize(), os.getFreeMemorySize());
            }
        }

        private static long kib(List<String> lines, String key) {
            return lines.stream().filter(l -> l.startsWith(key)).findFirst()
                    .map(l -> Long.parseLong(l.substring(key.length()).trim().split("\\s+")[0]) * 1024)
                    .orElseThrow();
        }
    }
}
