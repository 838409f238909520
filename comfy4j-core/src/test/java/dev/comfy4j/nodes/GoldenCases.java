package dev.comfy4j.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.config.ServerConfig;
import dev.comfy4j.files.Folders;
import dev.comfy4j.json.Json;
import dev.comfy4j.model.SafetensorsFile;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.nodes.latent.Latent;
import dev.comfy4j.python.PyValues;
import dev.comfy4j.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The recorded ComfyUI node cases (shared golden/nodes): decodes a case's inputs into the values
 * our nodes take, runs the node, and compares outputs, UI and written files with the recording.
 */
final class GoldenCases implements AutoCloseable {
    final JsonNode manifest;
    final Path root;
    final Folders folders;
    final NodeRegistry registry;
    private final SafetensorsFile inputs;
    private final SafetensorsFile outputs;

    GoldenCases(Path root, Path scratch) throws Exception {
        this.root = root;
        this.manifest = Json.parse(Files.readString(root.resolve("manifest.json")));
        this.inputs = SafetensorsFile.open(root.resolve("inputs.safetensors"));
        this.outputs = SafetensorsFile.open(root.resolve("outputs.safetensors"));
        ServerConfig config = ServerConfig.defaults(scratch);
        this.folders = Folders.create(config);
        try (var files = Files.list(root.resolve("files"))) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith("out_")) continue;
                Files.copy(f, folders.input().resolve(name));
                if (name.equals("from_output.png")) Files.copy(f, folders.output().resolve(name));
            }
        }
        this.registry = NodeCatalogue.registry(dev.comfy4j.support.TestServices.over(folders));
    }

    Tensor tensor(JsonNode ref) {
        String key = ref.get("$tensor").asText();
        SafetensorsFile file = ref.get("file").asText().equals("inputs.safetensors") ? inputs : outputs;
        return file.tensor(key).clone();
    }

    /** A manifest value as the Java value a node receives. */
    Object decode(JsonNode v) throws Exception {
        if (v.isObject() && v.has("$tensor")) return tensor(v);
        if (v.isObject() && v.has("$svg")) {
            List<byte[]> texts = new ArrayList<>();
            for (JsonNode t : v.get("$svg")) texts.add(t.asText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return new dev.comfy4j.nodes.image.Svg(texts);
        }
        if (v.isObject() && v.has("$node_output")) {
            JsonNode spec = v.get("$node_output");
            Map<String, Object> args = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = spec.get("inputs").fields(); it.hasNext(); ) {
                var e = it.next();
                args.put(e.getKey(), decode(e.getValue()));
            }
            Node node = registry.get(spec.get("node").asText()).factory().get();
            return node.execute(NodeInputs.of(args), new GoldenContext(null, null)).values().get(spec.get("output_index").asInt());
        }
        if (v.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                var e = it.next();
                m.put(e.getKey(), decode(e.getValue()));
            }
            return m;
        }
        if (v.isArray()) {
            List<Object> l = new ArrayList<>();
            for (JsonNode x : v) l.add(decode(x));
            return l;
        }
        return PyValues.fromJson(v);
    }

    /**
     * A decoded input as the node takes it: a CONDITIONING, recorded as {@code [[tokens, {...}], ...]},
     * becomes a {@link Conditioning}; everything else is already what the node takes.
     */
    @SuppressWarnings("unchecked")
    static Object asInput(Object decoded, String type) {
        if ("LATENT".equals(type)) return asLatent(decoded);
        if (!"CONDITIONING".equals(type) || !(decoded instanceof List<?> list)) return decoded;
        List<Conditioning.Entry> entries = new ArrayList<>();
        for (Object pair : list) {
            List<Object> p = (List<Object>) pair;
            entries.add(new Conditioning.Entry((Tensor) p.get(0), (Map<String, Object>) p.get(1)));
        }
        return new Conditioning(entries);
    }

    /** A recorded LATENT dict as a {@link Latent}; a list of them (INPUT_IS_LIST) element by element. */
    private static Object asLatent(Object decoded) {
        if (decoded instanceof Map<?, ?> m && m.get("samples") instanceof Tensor) return Latent.fromDict(m);
        if (decoded instanceof List<?> l) return l.stream().map(GoldenCases::asLatent).toList();
        return decoded;
    }

    /** A Conditioning as the recorded Python value {@code [[cond, dict], ...]}. */
    private static List<Object> asRecorded(Conditioning c) {
        List<Object> out = new ArrayList<>();
        for (Conditioning.Entry e : c.entries()) out.add(java.util.Arrays.asList(e.cond(), e.options()));
        return out;
    }

    /** Null when equal within atol, else what differs. Tracks the largest tensor difference in maxDiff[0]. */
    String compare(String where, Object actual, JsonNode expected, double atol, double[] maxDiff) throws Exception {
        if (actual instanceof Conditioning c) actual = asRecorded(c);
        if (actual instanceof Latent l) actual = l.asDict();
        if (expected.isObject() && expected.has("$tensor")) {
            if (!(actual instanceof Tensor t)) return where + ": expected a tensor, got " + actual;
            try (Tensor e = tensor(expected)) {
                if (!java.util.Arrays.equals(t.shape(), e.shape())) {
                    return where + ": shape " + java.util.Arrays.toString(t.shape()) + " != " + java.util.Arrays.toString(e.shape());
                }
                if (t.numel() == 0) return null;
                float[] a = t.toFloatArray();
                float[] b = e.toFloatArray();
                double worst = 0;
                for (int i = 0; i < a.length; i++) {
                    double d = Float.isNaN(a[i]) && Float.isNaN(b[i]) ? 0 : Math.abs((double) a[i] - b[i]);
                    if (Double.isNaN(d)) d = Double.POSITIVE_INFINITY;
                    worst = Math.max(worst, d);
                }
                maxDiff[0] = Math.max(maxDiff[0], worst);
                return worst <= atol ? null : where + ": max |diff| " + worst + " > " + atol;
            }
        }
        if (expected.isObject()) {
            if (!(actual instanceof Map<?, ?> m)) return where + ": expected a dict, got " + actual;
            if (!m.keySet().equals(iterableToSet(expected.fieldNames()))) return where + ": keys " + m.keySet() + " != " + expected;
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                var e = it.next();
                String r = compare(where + "." + e.getKey(), m.get(e.getKey()), e.getValue(), atol, maxDiff);
                if (r != null) return r;
            }
            return null;
        }
        if (expected.isArray()) {
            if (!(actual instanceof List<?> l)) return where + ": expected a list, got " + actual;
            if (l.size() != expected.size()) return where + ": length " + l.size() + " != " + expected.size();
            for (int i = 0; i < l.size(); i++) {
                String r = compare(where + "[" + i + "]", l.get(i), expected.get(i), atol, maxDiff);
                if (r != null) return r;
            }
            return null;
        }
        Object e = PyValues.fromJson(expected);
        return PyValues.pyEquals(actual, e) && (actual == null) == (e == null) ? null : where + ": " + actual + " != " + e;
    }

    private static java.util.Set<String> iterableToSet(Iterator<String> it) {
        java.util.Set<String> s = new java.util.HashSet<>();
        it.forEachRemaining(s::add);
        return s;
    }

    @Override
    public void close() throws IOException {
        inputs.close();
        outputs.close();
        folders.close();
    }

    /** The context a node sees in these cases: hidden values from the case, progress text recorded. */
    static final class GoldenContext implements NodeContext {
        final JsonNode prompt;
        final JsonNode extra;
        final List<String> texts = new ArrayList<>();
        final List<byte[]> previews = new ArrayList<>();

        GoldenContext(JsonNode prompt, JsonNode extra) {
            this.prompt = prompt;
            this.extra = extra;
        }

        @Override public String promptId() { return "golden"; }
        @Override public String uniqueId() { return "1"; }
        @Override public int listIndex() { return 0; }
        @Override public ServerConfig config() { return ServerConfig.defaults(Path.of("target")); }
        @Override public ObjectNode prompt() { return prompt instanceof ObjectNode o ? o : null; }
        @Override public JsonNode extraPngInfo() { return extra; }
        @Override public void progress(Number value, Number max) {}
        @Override public void progress(Number value, Number max, String imageType, byte[] encodedImage) { previews.add(encodedImage); }
        @Override public void progressText(String text) { texts.add(text); }
        @Override public void checkInterrupt() {}
        @Override public GraphBuilder graphBuilder() { throw new UnsupportedOperationException("no expansions in node goldens"); }
    }
}
