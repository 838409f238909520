package dev.comfy4j.nodes.image;

import dev.comfy4j.files.Folders;
import dev.comfy4j.nodes.NodeRegistry;

/**
 * Registers the image, mask and latent nodes in ComfyUI's {@code /object_info} order (nodes.py, then
 * comfy_extras in load order). Nodes that touch files need {@code folders} and are skipped without it.
 */
public final class ImageNodes {
    private ImageNodes() {}

    public static void register(NodeRegistry r, Folders folders) {
        boolean files = folders != null;
        if (files) r.register(() -> new SaveImage(folders));
        if (files) r.register(() -> new PreviewImage(folders));
        if (files) r.register(() -> new LoadImage(folders));
        r.register(ImageInvert::new);
        r.register(EmptyImage::new);
    }
}
