package dev.comfy4j.nodes;

import dev.comfy4j.files.Folders;
import dev.comfy4j.nodes.image.ImageNodes;
import dev.comfy4j.nodes.image.SaveImageWebsocket;
import dev.comfy4j.nodes.primitive.PrimitiveBoolean;
import dev.comfy4j.nodes.primitive.PrimitiveFloat;
import dev.comfy4j.nodes.primitive.PrimitiveInt;
import dev.comfy4j.nodes.primitive.PrimitiveString;
import dev.comfy4j.nodes.primitive.PrimitiveStringMultiline;
import dev.comfy4j.nodes.string.CaseConverter;
import dev.comfy4j.nodes.string.RegexExtract;
import dev.comfy4j.nodes.string.RegexMatch;
import dev.comfy4j.nodes.string.RegexReplace;
import dev.comfy4j.nodes.string.StringCompare;
import dev.comfy4j.nodes.string.StringConcatenate;
import dev.comfy4j.nodes.string.StringContains;
import dev.comfy4j.nodes.string.StringLength;
import dev.comfy4j.nodes.string.StringReplace;
import dev.comfy4j.nodes.string.StringSubstring;
import dev.comfy4j.nodes.string.StringTrim;
import dev.comfy4j.nodes.utils.PreviewAny;

/**
 * The built-in catalogue. The order is ComfyUI's {@code /object_info} order (nodes.py first, then
 * comfy_extras in load order): insert a new node at its place in that order.
 */
public final class CoreNodes {
    private CoreNodes() {}

    /** The catalogue without the nodes that read or write files (no folders to give them). */
    public static NodeRegistry registry() {
        return registry(null);
    }

    /**
     * The whole catalogue. The nodes that read or write files (LoadImage, SaveImage, ...) get
     * {@code folders}; with null they are left out.
     */
    public static NodeRegistry registry(Folders folders) {
        NodeRegistry r = new NodeRegistry();
        ImageNodes.register(r, folders);
        return r
                .register(PrimitiveString::new)
                .register(PrimitiveStringMultiline::new)
                .register(PrimitiveInt::new)
                .register(PrimitiveFloat::new)
                .register(PrimitiveBoolean::new)
                .register(PreviewAny::new)
                .register(StringConcatenate::new)
                .register(StringSubstring::new)
                .register(StringLength::new)
                .register(CaseConverter::new)
                .register(StringTrim::new)
                .register(StringReplace::new)
                .register(StringContains::new)
                .register(StringCompare::new)
                .register(RegexMatch::new)
                .register(RegexExtract::new)
                .register(RegexReplace::new)
                .register(SaveImageWebsocket::new);
    }
}
