package dev.comfy4j.nodes.model;

import dev.comfy4j.support.TestCheckpoints;
import java.nio.file.Path;

/** {@link SdxlLoraCases} on the random SDXL checkpoint of the numeric goldens (skipped where it is absent). */
class SdxlLoraTest extends SdxlLoraCases {
    @Override
    String layOut(Path base) throws Exception {
        ModelFolder.layOutSdxl(base);
        return TestCheckpoints.SDXL_NAME;
    }
}
