/** The VAE nodes: decode latents to images and encode images (and inpainting masks) to latents. */
package dev.comfy4j.nodes.vae;
