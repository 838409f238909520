package dev.comfy4j.nodes.image;

import dev.comfy4j.imaging.Pixels;
import dev.comfy4j.imaging.PngWriter;
import dev.comfy4j.nodes.Fingerprinted;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;

/**
 * SaveImageWebsocket (ComfyUI's bundled example custom node): every image sent as a PNG preview frame over the WebSocket.
 */
public final class SaveImageWebsocket implements Node, Fingerprinted {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("SaveImageWebsocket", "custom_nodes.websocket_image_save")
                .category("api/image")
                .input(Input.of("images", "IMAGE").noOptions())
                .outputNode()
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        var images = ImageSupport.tensor(in.get("images"), "images");
        long b = images.size(0);
        int h = (int) images.size(1), w = (int) images.size(2);
        boolean alpha = images.size(3) == 4;
        for (int step = 0; step < b; step++) {
            int[] argb = Pixels.toArgb(images, step);
            // The server's preview path writes PNG previews at zlib level 1, without text chunks.
            context.progress(step, b, "image/png", PngWriter.encode(w, h, argb, alpha, java.util.Map.of(), 1));
        }
        return NodeResult.nothing();
    }

    @Override
    public Object fingerprint(NodeInputs in) {
        return Double.NaN;
    }
}
