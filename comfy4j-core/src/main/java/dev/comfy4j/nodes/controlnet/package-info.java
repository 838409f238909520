/**
 * The ControlNet nodes of ComfyUI core ({@code nodes.py} and {@code comfy_extras/nodes_controlnet.py}):
 * ControlNetApply, ControlNetApplyAdvanced, SetUnionControlNetType and ControlNetInpaintingAliMamaApply. An
 * applied ControlNet is a {@link dev.comfy4j.nodes.controlnet.ControlNetApplication} under the entry's
 * {@code control} key; the sampler runs it ({@code sampling.control}). The loaders are in
 * {@code nodes.loaders}.
 */
package dev.comfy4j.nodes.controlnet;
