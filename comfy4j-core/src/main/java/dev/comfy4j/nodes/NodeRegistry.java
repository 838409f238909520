package dev.comfy4j.nodes;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The node catalogue, in registration order ({@code /object_info} order). Each class is kept with
 * its schema, a factory for per-node instances and a prototype for class-level calls.
 */
public final class NodeRegistry {
    /** One registered class. */
    public record Entry(NodeSchema schema, Supplier<? extends Node> factory, Node prototype) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public NodeRegistry register(Supplier<? extends Node> factory) {
        Node prototype = factory.get();
        NodeSchema schema = prototype.schema();
        if (entries.containsKey(schema.className())) {
            throw new IllegalArgumentException("node class registered twice: " + schema.className());
        }
        entries.put(schema.className(), new Entry(schema, factory, prototype));
        return this;
    }

    /** The entry, or null for an unknown class. */
    public Entry get(String className) {
        return className == null ? null : entries.get(className);
    }

    public boolean contains(String className) {
        return className != null && entries.containsKey(className);
    }

    public Collection<Entry> all() {
        return Collections.unmodifiableCollection(entries.values());
    }
}
