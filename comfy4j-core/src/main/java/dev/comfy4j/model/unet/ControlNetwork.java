package dev.comfy4j.model.unet;

import dev.comfy4j.model.LoadedModel;
import dev.comfy4j.model.UnetConfig;

/** A network that steers the UNet: a ControlNet ({@link ControlNetModel}) or a T2I-Adapter ({@link T2iAdapter}). */
public sealed interface ControlNetwork extends LoadedModel permits ControlNetModel, T2iAdapter {
    /**
     * Why this network cannot steer a UNet of {@code unet} (its widths, levels or context differ), or null
     * when it fits.
     */
    String mismatch(UnetConfig unet);
}
