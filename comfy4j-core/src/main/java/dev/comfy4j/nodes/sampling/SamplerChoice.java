package dev.comfy4j.nodes.sampling;

import dev.comfy4j.python.PyError;
import dev.comfy4j.sampling.Sampler;

/** The SAMPLER value: a sampler with its options (KSamplerSelect, the Sampler* option nodes). */
public record SamplerChoice(Sampler sampler) {
    public static SamplerChoice from(Object value, String name) {
        if (value instanceof SamplerChoice s) return s;
        throw PyError.typeError(name + " must be a SAMPLER, not " + (value == null ? "None" : value.getClass().getSimpleName()));
    }
}
