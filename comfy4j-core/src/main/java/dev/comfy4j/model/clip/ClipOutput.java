package dev.comfy4j.model.clip;

import dev.comfy4j.tensor.Tensor;

/**
 * What {@code CLIP.encode_from_tokens(tokens, return_pooled=True)} returns for SD1: the conditioning
 * {@code [1, 77 * chunks, 768]} and the pooled output {@code [1, 768]}, both float32.
 */
public record ClipOutput(Tensor cond, Tensor pooled) {}
