/**
 * Image upscale models, as ComfyUI runs them through spandrel: the ESRGAN family (RRDBNet in its "old",
 * "new" and BSRGAN key layouts, Real-ESRGAN's pixel-unshuffled x2/x1 models) and Real-ESRGAN's compact
 * SRVGGNet. {@link dev.comfy4j.model.upscale.UpscaleModels} detects a file's layout and builds an
 * {@link dev.comfy4j.model.upscale.UpscaleModel}; {@link dev.comfy4j.model.upscale.TiledUpscale} is the
 * body of ComfyUI's {@code ImageUpscaleWithModel} (tiles, feathered blend, smaller tiles on out-of-memory).
 */
package dev.comfy4j.model.upscale;
