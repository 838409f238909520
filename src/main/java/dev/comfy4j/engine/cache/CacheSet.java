package dev.comfy4j.engine.cache;

import dev.comfy4j.config.CacheMode;
import dev.comfy4j.nodes.NodeRegistry;
import java.util.List;

/**
 * The three caches of ComfyUI (execution spec §11.1): node outputs and UI keyed by input signature,
 * node objects keyed by (id, class), in the strategy the server was started with.
 */
public record CacheSet(NodeCache outputs, NodeCache ui, NodeCache objects) {
    public static CacheSet create(CacheMode mode, NodeRegistry registry) {
        KeyFunction signature = new InputSignatureKeys(registry);
        KeyFunction byId = new NodeIdKeys();
        return switch (mode) {
            case CacheMode.Lru lru when lru.size() > 0 -> new CacheSet(new LruCache(signature, lru.size()),
                    new LruCache(signature, lru.size()), new HierarchicalCache(byId));
            case CacheMode.None none -> new CacheSet(new DependencyAwareCache(signature),
                    new DependencyAwareCache(signature), new DependencyAwareCache(byId));
            default -> new CacheSet(new HierarchicalCache(signature), new HierarchicalCache(signature),
                    new HierarchicalCache(byId));
        };
    }

    public List<NodeCache> all() {
        return List.of(outputs, ui, objects);
    }
}
