package dev.comfy4j.model.unet;

/**
 * How UNet weights are held in memory. Both compute in the model's compute dtype and give the same
 * numbers; they trade memory against conversion work per call.
 */
public enum WeightStorage {
    /**
     * Every weight converted to the compute dtype once, at load, and the file's mapped pages of the
     * converted weights released (they stay in the page cache): for float32 3.4 GB for the SD1.5 UNet instead
     * of the file's 1.7 GB, for bfloat16 the same 1.7 GB; no conversion work per call.
     */
    COPY,
    /**
     * Weights stay as the file stores them (memory-mapped, zero copy) and each layer converts its weight
     * to the compute dtype when it runs; the converted copy is freed with the call's scope.
     */
    CAST_PER_CALL
}
