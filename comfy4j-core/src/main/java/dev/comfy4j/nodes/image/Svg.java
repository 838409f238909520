package dev.comfy4j.nodes.image;

import java.util.List;

/**
 * The SVG value type (comfy_api's {@code SVG}): one encoded SVG document per item, as ComfyUI's list
 * of BytesIO. The bytes are UTF-8 text.
 */
public record Svg(List<byte[]> data) {
    public Svg {
        data = List.copyOf(data);
    }
}
