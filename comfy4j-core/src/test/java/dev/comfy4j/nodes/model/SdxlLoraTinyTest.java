package dev.comfy4j.nodes.model;

import java.nio.file.Path;

/** {@link SdxlLoraCases} on a tiny random SDXL checkpoint ({@link TinySdxl}), so that they run everywhere. */
class SdxlLoraTinyTest extends SdxlLoraCases {
    @Override
    String layOut(Path base) throws Exception {
        return TinySdxl.layOut(base);
    }
}
