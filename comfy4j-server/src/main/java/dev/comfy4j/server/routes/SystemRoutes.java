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
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.MemoryStats;
import dev.comfy4j.tensor.TorchRuntime;
import java.util.Locale;

/** {@code /system_stats}, {@code /features} and {@code /object_info} (API spec §9, §11.2, §11.3). */
public final class SystemRoutes implements RouteFamily {
    /** The ComfyUI release whose API comfy4j answers. */
    public static final String COMFYUI_VERSION = "0.3.64";
    /** The web editor release ComfyUI 0.3.64 pins ({@code comfyui-frontend-package}); the editor compares its own version with it. */
    public static final String REQUIRED_FRONTEND_VERSION = "1.27.10";
    /** The workflow-templates package ComfyUI 0.3.64 pins ({@code comfyui-workflow-templates}). */
    public static final String REQUIRED_TEMPLATES_VERSION = "0.1.95";

    private final ServerConfig config;
    private final Engine engine;
    private volatile java.util.function.Supplier<ArrayNode> workers;

    public SystemRoutes(ServerConfig config, Engine engine) {
        this.config = config;
        this.engine = engine;
    }

    /** Adds the live workers of the job store to {@code /system_stats} (key {@code workers}, comfy4j's own). */
    public SystemRoutes withWorkers(java.util.function.Supplier<ArrayNode> list) {
        this.workers = list;
        return this;
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
        MemoryStats memory = MemoryStats.read();
        ObjectNode body = Json.object();
        ObjectNode system = body.putObject("system");
        system.put("os", System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows") ? "nt" : "posix");
        system.put("ram_total", memory.ramTotal());
        system.put("ram_free", memory.ramFree());
        system.put("comfyui_version", COMFYUI_VERSION);
        system.put("required_frontend_version", REQUIRED_FRONTEND_VERSION);
        // comfy4j ships its own templates, not the Python package, so "installed" stays null as in a
        // ComfyUI without comfyui-workflow-templates (docs/compatibility.md, web editor).
        system.putNull("installed_templates_version");
        system.put("required_templates_version", REQUIRED_TEMPLATES_VERSION);
        system.put("python_version", "comfy4j " + App.VERSION + " on Java " + Runtime.version());
        system.put("pytorch_version", "libtorch " + TorchRuntime.version() + " (JavaCPP)");
        system.put("embedded_python", false);
        ArrayNode argv = system.putArray("argv");
        argv.add("comfy4j");
        config.argv().forEach(argv::add);
        Device device = memory.device();
        ObjectNode entry = body.putArray("devices").addObject();
        entry.put("name", device.toString());
        entry.put("type", device.isCuda() ? "cuda" : "cpu");
        if (device.isCuda()) entry.put("index", device.index());
        else entry.putNull("index");
        entry.put("vram_total", memory.deviceTotal());
        entry.put("vram_free", memory.deviceFree());
        entry.put("torch_vram_total", memory.deviceTotal());
        entry.put("torch_vram_free", memory.deviceFree());
        var list = workers;
        if (list != null) body.set("workers", list.get());
        ex.json(body);
    }
}
