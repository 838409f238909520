package dev.comfy4j.model.unet;

/**
 * How UNet weights are held in memory. ComfyUI computes the SD1/SD2 UNet in float32 on the CPU even
 * when the checkpoint stores float16; both choices here compute in float32 and give the same numbers.
 */
public enum WeightStorage {
    /**
     * Every weight converted to float32 once, at load: more memory (3.4 GB for the SD1.5 UNet instead of
     * 1.7 GB), no conversion work per call.
     */
    FLOAT32_COPY,
    /**
     * Weights stay as the file stores them (memory-mapped, zero copy) and each layer converts its weight
     * to float32 when it runs; the converted copy is freed with the call's scope.
     */
    CAST_PER_CALL
}
