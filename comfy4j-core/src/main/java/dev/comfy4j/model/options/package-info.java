/**
 * Model options: ComfyUI's {@code model_options} and {@code transformer_options} as an immutable value a
 * MODEL carries beside its weight patches. A patch node returns a clone of the MODEL with one more option
 * (a CFG function, a pre- or post-CFG hook, a replaced sampling parameterisation, UNet block and attention
 * patches); the sampler ({@code model.unet.CfgDenoiser}), the UNet and its attention read them where
 * ComfyUI reads them. Options never touch weights. Every option is a record, so two MODELs with the same
 * options are equal (their cache identity is {@link ModelOptions#identity()}).
 */
package dev.comfy4j.model.options;
