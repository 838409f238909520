package dev.comfy4j.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comfy4j.tensor.DType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed and checked safetensors header: every tensor's dtype, shape and byte range, plus the
 * {@code __metadata__} strings. Checking is strict, so a header that lies about sizes is refused here
 * rather than read past the end of the file later.
 */
public record SafetensorsHeader(Map<String, TensorInfo> tensors, Map<String, String> metadata) {
    /** The format's own limit on the header size. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    public SafetensorsHeader {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * Parses {@code json} and checks it against {@code dataBytes}, the size of the data section.
     *
     * @param file named in error messages
     */
    public static SafetensorsHeader parse(Path file, byte[] json, long dataBytes) throws ModelFileException {
        JsonNode root;
        try {
            root = JSON.readTree(new String(json, StandardCharsets.UTF_8).stripTrailing());
        } catch (JsonProcessingException e) {
            throw new ModelFileException(file, "the safetensors header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) throw new ModelFileException(file, "the safetensors header is not a JSON object");
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        List<TensorInfo> byOffset = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                if (!e.getValue().isObject()) throw new ModelFileException(file, "__metadata__ is not an object");
                for (Iterator<Map.Entry<String, JsonNode>> m = e.getValue().fields(); m.hasNext(); ) {
                    Map.Entry<String, JsonNode> kv = m.next();
                    if (!kv.getValue().isTextual()) {
                        throw new ModelFileException(file, "__metadata__ value of '" + kv.getKey() + "' is not a string");
                    }
                    metadata.put(kv.getKey(), kv.getValue().asText());
                }
                continue;
            }
            TensorInfo info = entry(file, e.getKey(), e.getValue(), dataBytes);
            tensors.put(info.name(), info);
            byOffset.add(info);
        }
        byOffset.sort((a, b) -> Long.compare(a.begin(), b.begin()));
        for (int i = 1; i < byOffset.size(); i++) {
            TensorInfo prev = byOffset.get(i - 1);
            TensorInfo next = byOffset.get(i);
            if (next.begin() < prev.end()) {
                throw new ModelFileException(file, "tensors '" + prev.name() + "' and '" + next.name() + "' overlap");
            }
        }
        return new SafetensorsHeader(tensors, metadata);
    }

    private static TensorInfo entry(Path file, String name, JsonNode node, long dataBytes) throws ModelFileException {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) throw new ModelFileException(file, where + " is not an object");
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) throw new ModelFileException(file, where + " has no dtype");
        DType dtype = DType.fromSafetensorsName(dtypeNode.asText())
                .orElseThrow(() -> new ModelFileException(file, where + " has unsupported dtype " + dtypeNode.asText()));
        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) throw new ModelFileException(file, where + " has no shape");
        long[] shape = new long[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode s = shapeNode.get(i);
            if (!s.canConvertToLong() || !s.isIntegralNumber() || s.asLong() < 0) {
                throw new ModelFileException(file, where + " has an invalid shape " + shapeNode);
            }
            shape[i] = s.asLong();
            try {
                numel = Math.multiplyExact(numel, shape[i]);
            } catch (ArithmeticException overflow) {
                throw new ModelFileException(file, where + " has an impossibly large shape " + shapeNode);
            }
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()) {
            throw new ModelFileException(file, where + " has no valid data_offsets");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end > dataBytes) {
            throw new ModelFileException(file, where + " data_offsets [" + begin + ", " + end
                    + "] lie outside the " + dataBytes + "-byte data section (truncated or corrupt file)");
        }
        long expected;
        try {
            expected = Math.multiplyExact(numel, dtype.byteSize());
        } catch (ArithmeticException overflow) {
            throw new ModelFileException(file, where + " is impossibly large");
        }
        if (end - begin != expected) {
            throw new ModelFileException(file, where + " takes " + (end - begin) + " bytes but " + dtype + shapeNode
                    + " needs " + expected);
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /** The header as JSON, in the given order, padded with spaces to a multiple of 8 bytes. */
    static byte[] encode(List<TensorInfo> entries, Map<String, String> metadata) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (!metadata.isEmpty()) root.put("__metadata__", metadata);
        for (TensorInfo t : entries) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("dtype", t.dtype().safetensorsName());
            e.put("shape", t.shape());
            e.put("data_offsets", new long[]{t.begin(), t.end()});
            root.put(t.name(), e);
        }
        try {
            byte[] json = JSON.writeValueAsBytes(root);
            int padded = (json.length + 7) / 8 * 8;
            byte[] out = new byte[padded];
            System.arraycopy(json, 0, out, 0, json.length);
            for (int i = json.length; i < padded; i++) out[i] = ' ';
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
