package dev.comfy4j.nodes;

/**
 * A node class. Implement {@link #schema} (the declaration) and {@link #execute} (the function);
 * add the optional capabilities {@link Fingerprinted}, {@link ValidatesInputs} and
 * {@link LazyInputs} when the node needs them. Register it with one line in {@link NodeCatalogue}.
 *
 * <p>One instance exists per (node id, class) while the caches keep it, like ComfyUI's V1 objects,
 * so a node may keep state between prompts (a loaded model). {@link #schema}, and the methods of
 * {@link Fingerprinted} and {@link ValidatesInputs}, are called on a shared prototype instance.
 */
public interface Node {
    NodeSchema schema();

    /**
     * Runs the node once (once per list element unless the schema says INPUT_IS_LIST).
     *
     * @return the outputs, UI, an expansion or a blocker; never null
     */
    NodeResult execute(NodeInputs inputs, NodeContext context) throws Exception;
}
