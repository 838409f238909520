package dev.comfy4j.model.sd;

import dev.comfy4j.python.PyError;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What ComfyUI's deprecated {@code load_checkpoint} (the CheckpointLoader node) still takes from an LDM
 * config file after detecting the checkpoint from its weights: {@code model.params.parameterization: "v"}
 * (the MODEL then samples as v-prediction, e.g. {@code v2-inference-v.yaml} for SD2.x 768-v files whatever
 * the weights suggest) and {@code model.params.cond_stage_config.params.layer_idx} (the CLIP's layer, as
 * CLIPSetLastLayer would set it).
 *
 * @param vPrediction whether the config says {@code parameterization: "v"}
 * @param clipLayerIdx the {@code layer_idx} of the text encoder's params, or null
 */
public record LdmConfig(boolean vPrediction, Integer clipLayerIdx) {
    /** Reads {@code file}; a config without {@code model.params.cond_stage_config} fails as ComfyUI's does (KeyError). */
    public static LdmConfig read(Path file) throws IOException {
        Object document;
        try (Reader reader = Files.newBufferedReader(file)) {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (RuntimeException e) {
            throw new PyError("ValueError", "cannot read the config " + file.getFileName() + " as YAML: " + e.getMessage());
        }
        Map<?, ?> params = asMap(get(asMap(get(asMap(document, "the config"), "model"), "model"), "params"), "params");
        Object clipConfig = get(params, "cond_stage_config");
        boolean v = "v".equals(params.get("parameterization"));
        Integer layer = null;
        if (clipConfig instanceof Map<?, ?> c && c.get("params") instanceof Map<?, ?> p && p.get("layer_idx") instanceof Number n) {
            layer = n.intValue();
        }
        return new LdmConfig(v, layer);
    }

    private static Object get(Map<?, ?> map, String key) {
        if (!map.containsKey(key)) throw new PyError("KeyError", "'" + key + "'");
        return map.get(key);
    }

    private static Map<?, ?> asMap(Object value, String what) {
        if (value instanceof Map<?, ?> m) return m;
        throw new PyError("TypeError", what + " of the config is not a mapping");
    }
}
