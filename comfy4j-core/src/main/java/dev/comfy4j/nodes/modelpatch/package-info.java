/**
 * The model-patch nodes: each returns a clone of its MODEL with one more model option
 * ({@link dev.comfy4j.model.options.ModelOptions}): ModelSamplingDiscrete/ContinuousEDM/ContinuousV (the
 * {@code model_sampling} object patch), RescaleCFG (CFG function), CFGZeroStar, CFGNorm, Epsilon Scaling,
 * PerturbedAttentionGuidance, SelfAttentionGuidance (post-CFG functions, SAG with an attention replacement),
 * APG and TCFG (pre-CFG functions), FreeU, FreeU_V2 and PatchModelAddDownscale (UNet block patches),
 * HyperTile (attention input and output patches), DifferentialDiffusion (denoise mask function). The patch
 * math lives in small records beside the nodes so that tests compute it on small tensors.
 */
package dev.comfy4j.nodes.modelpatch;
