package dev.comfy4j.model.options;

import java.util.ArrayList;
import java.util.List;

/**
 * What ComfyUI's {@code ModelPatcher.model_options} holds, for the options the built-in patch nodes set:
 *
 * <ul>
 *   <li>{@code cfgFunction}: {@code sampler_cfg_function} (replaces {@code uncond + (cond - uncond) * cfg}); null for plain CFG;</li>
 *   <li>{@code preCfgFunctions}: {@code sampler_pre_cfg_function}, run in order on both predictions;</li>
 *   <li>{@code postCfgFunctions}: {@code sampler_post_cfg_function}, run in order on the guided result;</li>
 *   <li>{@code disableCfg1Optimization}: evaluate the negative even at cfg 1 (set with some post-CFG functions);</li>
 *   <li>{@code modelSampling}: the {@code model_sampling} object patch (sigma table and parameterisation); null for the checkpoint's;</li>
 *   <li>{@code denoiseMaskFunction}: {@code denoise_mask_function} (Differential Diffusion); null for none;</li>
 *   <li>{@code transformerPatches}: {@code transformer_options["patches"]} and {@code ["patches_replace"]}.</li>
 * </ul>
 *
 * <p>Immutable; each {@code with...} returns a new value, as ComfyUI's {@code set_model_*} act on a clone.
 */
public record ModelOptions(CfgFunction cfgFunction, List<PreCfgFunction> preCfgFunctions, List<PostCfgFunction> postCfgFunctions,
                           boolean disableCfg1Optimization, Parameterisation modelSampling,
                           DenoiseMaskFunction denoiseMaskFunction, TransformerPatches transformerPatches) {
    public static final ModelOptions NONE = new ModelOptions(null, List.of(), List.of(), false, null, null, TransformerPatches.NONE);

    public ModelOptions {
        preCfgFunctions = List.copyOf(preCfgFunctions);
        postCfgFunctions = List.copyOf(postCfgFunctions);
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    /** {@code set_model_sampler_cfg_function}: replaces any earlier one. */
    public ModelOptions withCfgFunction(CfgFunction f, boolean disableCfg1) {
        return new ModelOptions(f, preCfgFunctions, postCfgFunctions, disableCfg1Optimization || disableCfg1, modelSampling,
                denoiseMaskFunction, transformerPatches);
    }

    /** {@code set_model_sampler_pre_cfg_function}: appended after the others. */
    public ModelOptions withPreCfgFunction(PreCfgFunction f, boolean disableCfg1) {
        return new ModelOptions(cfgFunction, append(preCfgFunctions, f), postCfgFunctions, disableCfg1Optimization || disableCfg1,
                modelSampling, denoiseMaskFunction, transformerPatches);
    }

    /** {@code set_model_sampler_post_cfg_function}: appended after the others. */
    public ModelOptions withPostCfgFunction(PostCfgFunction f, boolean disableCfg1) {
        return new ModelOptions(cfgFunction, preCfgFunctions, append(postCfgFunctions, f), disableCfg1Optimization || disableCfg1,
                modelSampling, denoiseMaskFunction, transformerPatches);
    }

    /** {@code add_object_patch("model_sampling", ...)}. */
    public ModelOptions withModelSampling(Parameterisation sampling) {
        return new ModelOptions(cfgFunction, preCfgFunctions, postCfgFunctions, disableCfg1Optimization, sampling,
                denoiseMaskFunction, transformerPatches);
    }

    /** {@code set_model_denoise_mask_function}. */
    public ModelOptions withDenoiseMaskFunction(DenoiseMaskFunction f) {
        return new ModelOptions(cfgFunction, preCfgFunctions, postCfgFunctions, disableCfg1Optimization, modelSampling, f,
                transformerPatches);
    }

    public ModelOptions withTransformerPatches(TransformerPatches patches) {
        return new ModelOptions(cfgFunction, preCfgFunctions, postCfgFunctions, disableCfg1Optimization, modelSampling,
                denoiseMaskFunction, patches);
    }

    /**
     * A stable text naming every option and its parameters (the options are records), for the MODEL's
     * cache identity; empty for no options.
     */
    public String identity() {
        return isEmpty() ? "" : toString();
    }

    static <T> List<T> append(List<T> list, T item) {
        List<T> out = new ArrayList<>(list);
        out.add(item);
        return out;
    }
}
