/**
 * The model loader nodes (CheckpointLoaderSimple, VAELoader, ...). They only detect what a file is
 * and return handles ({@link dev.comfy4j.model.sd}); the weights load on first use through the
 * {@link dev.comfy4j.model.ModelManager}.
 */
package dev.comfy4j.nodes.loaders;
