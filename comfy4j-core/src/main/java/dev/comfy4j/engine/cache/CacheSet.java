package dev.comfy4j.engine.cache;

import dev.comfy4j.config.CacheMode;
import dev.comfy4j.nodes.NodeRegistry;
import java.util.List;

/**
 * The three caches of ComfyUI (execution spec §11.1): node outputs and UI keyed by input signature,
 * node objects keyed by (id, class), in the strategy the server was started with. The output cache
 * owns the tensors of its entries through {@link OutputReferences}.
 */
public record CacheSet(NodeCache outputs, NodeCache ui, NodeCache objects) {
    /**
     * New caches; the output cache counts references to the tensors of its entries in {@code references}
     * and closes them when their last entry goes.
     */
    public static CacheSet create(CacheMode mode, NodeRegistry registry, OutputReferences references) {
        KeyFunction signature = new InputSignatureKeys(registry);
        KeyFunction byId = new NodeIdKeys();
        OutputReferences none = OutputReferences.NONE;
        return switch (mode) {
            case CacheMode.Lru lru when lru.size() > 0 -> new CacheSet(new LruCache(signature, lru.size(), references),
                    new LruCache(signature, lru.size(), none), new HierarchicalCache(byId, none));
            case CacheMode.None ignored -> new CacheSet(new DependencyAwareCache(signature, references),
                    new DependencyAwareCache(signature, none), new DependencyAwareCache(byId, none));
            default -> new CacheSet(new HierarchicalCache(signature, references), new HierarchicalCache(signature, none),
                    new HierarchicalCache(byId, none));
        };
    }

    public List<NodeCache> all() {
        return List.of(outputs, ui, objects);
    }
}
