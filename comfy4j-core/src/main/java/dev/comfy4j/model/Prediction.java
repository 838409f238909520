package dev.comfy4j.model;

/** What the UNet predicts, which decides the sampling formulas. */
public enum Prediction {
    /** The noise (SD1.x, SD2.x base 512, SDXL). */
    EPS,
    /** The velocity (SD2.x 768-v, v-pred SDXL fine-tunes). */
    V_PREDICTION
}
