/**
 * Weight patches on a model's weights: LoRA and its relatives (LoCon, LoHa, LoKr, DoRA, full
 * differences), read from files with ComfyUI's key names and applied as ComfyUI's
 * {@code comfy.lora.calculate_weight} applies them.
 *
 * <p>Patches never touch the base weights: a patched component is built from an overlay of the
 * checkpoint's state dict in which only the patched tensors are new (float32) copies. Removing a
 * patch is dropping the overlay, so the base stays bit-identical and a patched model costs only the
 * weights it changes.
 */
package dev.comfy4j.model.patch;
