package dev.comfy4j.model.unet;

import dev.comfy4j.model.ModelFamily;
import dev.comfy4j.tensor.Tensor;

/**
 * A model family's {@code encode_adm}: the extra UNet input {@code y} of one conditioning entry.
 * SD1.x and SD2.x have none.
 */
@FunctionalInterface
public interface AdmEncoder {
    /** {@code y} [B, adm_in_channels], float32, in the caller's scope. */
    Tensor encode(AdmInputs inputs);

    /** The family's encoder, or null when its UNet takes no {@code y}. */
    static AdmEncoder of(ModelFamily family) {
        return switch (family) {
            case SDXL -> SdxlAdm::encode;
            case SDXL_REFINER -> SdxlRefinerAdm::encode;
            case SD1, SD2 -> null;
        };
    }
}
