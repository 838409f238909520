package dev.comfy4j.model;

/** The checkpoint families comfy4j detects, with ComfyUI's class names. */
public enum ModelFamily {
    SD1("SD15", 320, 768, null, LatentFormat.SD15, 2.0),
    SD2("SD20", 320, 1024, null, LatentFormat.SD15, 2.0),
    SDXL("SDXL", 320, 2048, 2816, LatentFormat.SDXL, 0.8),
    SDXL_REFINER("SDXLRefiner", 384, 1280, 2560, LatentFormat.SDXL, 2.0);

    private final String comfyName;
    private final int modelChannels;
    private final int contextDim;
    private final Integer admInChannels;
    private final LatentFormat latentFormat;
    private final double memoryUsageFactor;

    ModelFamily(String comfyName, int modelChannels, int contextDim, Integer admInChannels, LatentFormat latentFormat,
            double memoryUsageFactor) {
        this.comfyName = comfyName;
        this.modelChannels = modelChannels;
        this.contextDim = contextDim;
        this.admInChannels = admInChannels;
        this.latentFormat = latentFormat;
        this.memoryUsageFactor = memoryUsageFactor;
    }

    /**
     * The {@code memory_usage_factor} of ComfyUI's model config, which scales the working-memory estimate that
     * decides how many conditionings one UNet call batches (SDXL sets 0.8; the others keep the value comfy4j
     * has always used for SD1.x).
     */
    public double memoryUsageFactor() {
        return memoryUsageFactor;
    }

    /** The family's latent format ({@code supported_models.*.latent_format}). */
    public LatentFormat latentFormat() {
        return latentFormat;
    }

    /** ComfyUI's {@code supported_models} class name. */
    public String comfyName() {
        return comfyName;
    }

    /** Whether {@code c} has this family's production sizes (what ComfyUI's exact match requires). */
    boolean hasStandardSize(UnetConfig c) {
        return c.modelChannels() == modelChannels && c.contextDim() != null && c.contextDim() == contextDim
                && java.util.Objects.equals(c.admInChannels(), admInChannels);
    }
}
