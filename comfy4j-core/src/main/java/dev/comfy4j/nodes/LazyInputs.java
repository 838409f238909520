package dev.comfy4j.nodes;

import java.util.List;

/**
 * check_lazy_status: called before execution while inputs declared {@code lazy} may still be
 * unevaluated (null). Return the names of the lazy inputs that must be computed first; an empty
 * list runs the node with whatever is there.
 */
public interface LazyInputs {
    List<String> checkLazyStatus(NodeInputs inputs, NodeContext context) throws Exception;
}
