package dev.comfy4j.nodes.conditioning;

import dev.comfy4j.tensor.Tensor;

/**
 * ComfyUI's CLIP_VISION_OUTPUT ({@code comfy.clip_vision.Output}): what a CLIP vision encoder returns
 * for a batch of images. unCLIP models read {@code imageEmbeds}; style models and IP-adapters read the
 * hidden states. Fields a given encoder does not produce are null.
 *
 * @param lastHiddenState [B, tokens, width] after the final layer norm
 * @param imageEmbeds [B, projection_dim], the projected pooled embedding
 * @param penultimateHiddenState [B, tokens, width] of the layer before the last
 * @param mmProjected [B, tokens, dim] of encoders with a multimodal projector (e.g. LLaVA-style), else null
 */
public record ClipVisionOutput(Tensor lastHiddenState, Tensor imageEmbeds, Tensor penultimateHiddenState, Tensor mmProjected) {}
