/**
 * CONDITIONING values and the model-free nodes that edit them.
 *
 * <h2>The value</h2>
 *
 * A CONDITIONING is a {@link dev.comfy4j.nodes.conditioning.Conditioning}: an ordered, immutable
 * list of {@link dev.comfy4j.nodes.conditioning.Conditioning.Entry entries}, each a token tensor
 * {@code cond} [B, tokens, dim] with an options dict. It is ComfyUI's
 * {@code [[cond, {...}], ...]} one to one, so a node or a sampler ported from ComfyUI reads the same
 * keys with the same Python-like values (Tensor, Double, Long, Boolean, String, null for None, List
 * for lists and tuples, Map for dicts, and records for model outputs such as
 * {@link dev.comfy4j.nodes.conditioning.ClipVisionOutput}).
 *
 * <p>Updates copy, never mutate ({@code node_helpers.conditioning_set_values}): {@code withValues}
 * sets keys on every entry, {@code withAppendedValues} appends to list-valued keys, {@code map}
 * rewrites entries, {@code plus} concatenates. Untouched tensors are shared between input and output,
 * as in ComfyUI; new tensors leave the node's scope and are owned by the output cache.
 *
 * <h2>Keys</h2>
 *
 * <ul>
 *   <li>{@code pooled_output}: [B, dim] pooled embedding or None (set by the text encoders);
 *   <li>{@code area}: {@code [h//8, w//8, y//8, x//8]} (latent units) or
 *       {@code ["percentage", h, w, y, x]} (fractions); {@code strength}: its weight;
 *   <li>{@code mask}: [B, H, W]; {@code mask_strength}; {@code set_area_to_bounds}: use the mask's
 *       bounding box as the area;
 *   <li>{@code start_percent} / {@code end_percent}: the part of the schedule where the entry applies;
 *   <li>{@code unclip_conditioning}: list of {@code {clip_vision_output, strength, noise_augmentation}};
 *   <li>{@code conditioning_lyrics} and other model-specific keys pass through untouched.
 * </ul>
 *
 * Absent keys mean the sampler's defaults (whole image, strength 1, whole schedule).
 */
package dev.comfy4j.nodes.conditioning;
