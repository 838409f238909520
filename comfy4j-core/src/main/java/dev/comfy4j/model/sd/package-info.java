/**
 * The values that flow between ComfyUI's model nodes: MODEL ({@link ModelHandle}), CLIP
 * ({@link ClipHandle}) and VAE ({@link VaeHandle}).
 *
 * <p>A handle names what to load (a file, the key prefix of a component, the detected
 * architecture, options such as CLIPSetLastLayer's layer); it holds no weights. Weights belong to the
 * {@link dev.comfy4j.model.ModelManager}: a node that computes acquires a lease for the duration of the
 * computation, loading the component on first use and reusing it afterwards. So a cached
 * CheckpointLoaderSimple output costs nothing after {@code POST /free}, the manager can evict
 * components under memory pressure, and a handle copied by a node (a CLIPSetLastLayer clone) shares
 * the weights of the original.
 */
package dev.comfy4j.model.sd;
