package dev.comfy4j.nodes.conditioning;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds option dicts in the key order ComfyUI writes them (values may be null, as Python's None). */
final class Options {
    private Options() {}

    static Map<String, Object> of(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }
}
