package dev.comfy4j.nodes.sampling;

import dev.comfy4j.sampling.GuidedModel;
import dev.comfy4j.sampling.ModelSampling;

/** Opens the MODEL value of a node input for one sampler run. */
@FunctionalInterface
public interface SamplingModels {
    GuidedModel open(Object model) throws Exception;

    /** The MODEL's noise levels (scheduler nodes); by default read from an opened model. */
    default ModelSampling modelSampling(Object model) throws Exception {
        try (GuidedModel m = open(model)) {
            return m.modelSampling();
        }
    }
}
