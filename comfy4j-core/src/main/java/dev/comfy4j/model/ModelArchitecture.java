package dev.comfy4j.model;

import java.util.List;

/**
 * What a checkpoint is, as detected from its keys and shapes.
 *
 * @param standardSize true when the sizes are the family's production ones (the only case ComfyUI
 *     accepts); false for a proportionally smaller model of the same structure, such as the tiny test
 *     checkpoints
 * @param unetPrefix key prefix of the UNet weights ({@code "model.diffusion_model."} or {@code ""})
 * @param vaePrefix key prefix of the VAE weights, or null when the file has no VAE
 * @param textEncoderPrefixes key prefixes of the text encoders present, in the family's order
 */
public record ModelArchitecture(ModelFamily family, Prediction prediction, UnetConfig unet, boolean standardSize,
        String unetPrefix, String vaePrefix, List<String> textEncoderPrefixes) {
    public ModelArchitecture {
        textEncoderPrefixes = List.copyOf(textEncoderPrefixes);
    }
}
