package dev.comfy4j.model;

/** The checkpoint families comfy4j detects, with ComfyUI's class names. */
public enum ModelFamily {
    SD1("SD15", 320, 768, null),
    SD2("SD20", 320, 1024, null),
    SDXL("SDXL", 320, 2048, 2816),
    SDXL_REFINER("SDXLRefiner", 384, 1280, 2560);

    private final String comfyName;
    private final int modelChannels;
    private final int contextDim;
    private final Integer admInChannels;

    ModelFamily(String comfyName, int modelChannels, int contextDim, Integer admInChannels) {
        this.comfyName = comfyName;
        this.modelChannels = modelChannels;
        this.contextDim = contextDim;
        this.admInChannels = admInChannels;
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
