/** The model merging nodes of ComfyUI's {@code comfy_extras.nodes_model_merging}, on {@link dev.comfy4j.model.patch.MergePatch}. */
package dev.comfy4j.nodes.merging;
