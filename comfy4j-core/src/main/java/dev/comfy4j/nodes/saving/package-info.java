/**
 * The nodes that save models: CheckpointSave, ModelSave, CLIPSave and VAESave (ComfyUI's
 * {@code comfy_extras.nodes_model_merging}) and LoraSave ({@code nodes_lora_extract}). They write
 * safetensors files under the output folder with ComfyUI's names, key names and metadata, through
 * {@link dev.comfy4j.model.sd.SavedWeights}.
 */
package dev.comfy4j.nodes.saving;
