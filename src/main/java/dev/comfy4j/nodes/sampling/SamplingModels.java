package dev.comfy4j.nodes.sampling;

import dev.comfy4j.sampling.GuidedModel;

/** Opens the MODEL value of a node input for one sampler run. */
@FunctionalInterface
public interface SamplingModels {
    GuidedModel open(Object model) throws Exception;
}
