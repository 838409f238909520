package dev.comfy4j.model.unet;

import dev.comfy4j.model.ArchitectureDetector;
import dev.comfy4j.model.ModelArchitecture;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.SdLayouts;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.TinyCheckpoints;
import dev.comfy4j.tensor.DType;
import java.nio.file.Path;
import java.util.Map;

/** Small random checkpoints with the real SD1/SD2 UNet structure, written to a test's temp folder. */
final class TinyUnets {
    private TinyUnets() {}

    /** An opened checkpoint and what detection made of it. */
    record Opened(StateDict stateDict, ModelArchitecture architecture) implements AutoCloseable {
        @Override
        public void close() {
            stateDict.close();
        }
    }

    /** SD1 layout with TINY sizes (32 channels, context 32, conv projections, 8 heads). */
    static Opened sd1(Path dir, DType dtype) throws Exception {
        Path file = TinyCheckpoints.writeSd15(dir.resolve("tiny-sd1-" + dtype + ".safetensors"), SdLayouts.Sizes.TINY, dtype, 7);
        return open(file);
    }

    /**
     * SD2 layout (linear projections, 64-wide heads): 64 base channels so that every level has whole
     * heads; context 48 so that it differs from the width.
     */
    static Opened sd2(Path dir, DType dtype) throws Exception {
        Path file = dir.resolve("tiny-sd2-" + dtype + ".safetensors");
        TinyCheckpoints.write(file, SdLayouts.sd2Unet(64, 48), dtype, 11, Map.of("format", "pt"));
        return open(file);
    }

    private static Opened open(Path file) throws Exception {
        StateDict sd = ModelFiles.loadStateDict(file);
        return new Opened(sd, ArchitectureDetector.detect(sd));
    }
}
