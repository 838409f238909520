package dev.comfy4j.model.patch;

import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.tensor.TensorScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A LoRA-family file applied at {@code strength}. The file's size and modification time are part of
 * its identity, so a replaced file is read again instead of reusing weights patched from the old one.
 */
public record LoraFilePatch(Path file, long size, long modifiedMillis, double strength) implements WeightPatch {
    private static final Logger LOG = LoggerFactory.getLogger(LoraFilePatch.class);

    public static LoraFilePatch of(Path file, double strength) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        return new LoraFilePatch(abs, Files.size(abs), Files.getLastModifiedTime(abs).toMillis(), strength);
    }

    @Override
    public String identity() {
        return "lora:" + file + "@" + size + "/" + modifiedMillis + "*" + strength;
    }

    @Override
    public void apply(PatchTarget target) throws Exception {
        Map<String, String> keys = target.component().loraKeys(target.base());
        try (StateDict lora = ModelFiles.loadStateDict(file)) {
            LoraFormat format = LoraFormat.read(lora.tensors(), keys);
            for (Map.Entry<String, WeightAdapter> e : format.patches().entrySet()) {
                if (!target.base().contains(e.getKey())) {
                    LOG.warn("could not patch. key doesn't exist in model: {}", e.getKey());
                    continue;
                }
                try (TensorScope ignored = TensorScope.open()) {
                    e.getValue().applyTo(target.weight(e.getKey()), strength);
                }
            }
        }
    }
}
