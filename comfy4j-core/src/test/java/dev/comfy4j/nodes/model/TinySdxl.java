package dev.comfy4j.nodes.model;

import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.model.SdLayouts;
import dev.comfy4j.model.TinyCheckpoints;
import dev.comfy4j.tensor.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tiny random SDXL checkpoint (a few MB) laid out in a base folder with the CLIP tokenizer files, for the SDXL
 * loader tests where the 6.9 GB random checkpoint is absent: widths of 64 (one attention head) and a CLIP-G of
 * 32 layers, as ComfyUI's detection of a CLIP-G file demands; SDXL's block structure otherwise.
 */
final class TinySdxl {
    static final String NAME = "tiny_sdxl.safetensors";

    private TinySdxl() {}

    /** Writes the checkpoint into {@code base/models/checkpoints} and returns its name. Skips without ../shared. */
    static String layOut(Path base) throws IOException {
        Path tokenizer = SharedFiles.require("data/clip-vit-l-14-tokenizer").toAbsolutePath();
        Path encoders = Files.createDirectories(base.resolve("models/text_encoders"));
        for (String name : new String[] {"vocab.json", "merges.txt"}) Files.copy(tokenizer.resolve(name), encoders.resolve(name));
        Map<String, long[]> shapes = new TreeMap<>(SdLayouts.sdxl(new SdLayouts.XlSizes(64, 64, 64, 12, 49408, 32)));
        String g = SdxlSplitFiles.G + "transformer.resblocks.";
        Map<String, long[]> more = new LinkedHashMap<>();
        shapes.forEach((k, v) -> {
            if (k.startsWith(g + "0.")) {
                for (int i = 12; i < 32; i++) more.put(g + i + "." + k.substring((g + "0.").length()), v);
            }
        });
        shapes.putAll(more);
        TinyCheckpoints.write(Files.createDirectories(base.resolve("models/checkpoints")).resolve(NAME), shapes, DType.F16, 11, Map.of());
        return NAME;
    }
}
