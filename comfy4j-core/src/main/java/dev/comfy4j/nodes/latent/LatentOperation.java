package dev.comfy4j.nodes.latent;

import dev.comfy4j.tensor.Tensor;

/**
 * A LATENT_OPERATION value: ComfyUI passes a Python function {@code op(latent=..., **kwargs)} between
 * nodes; here it is a function object from a samples tensor to a new samples tensor. The result is a
 * fresh tensor owned by the caller's scope.
 */
@FunctionalInterface
public interface LatentOperation {
    Tensor apply(Tensor latent);
}
