package dev.comfy4j.model;

import dev.comfy4j.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens model files of any supported format by their content, not their extension: safetensors
 * (memory-mapped, zero copy) or a PyTorch zip checkpoint (restricted unpickler). The old pre-1.6
 * PyTorch format is refused with an explanation.
 */
public final class ModelFiles {
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    private ModelFiles() {}

    /**
     * Reads a PyTorch zip checkpoint whole, through the restricted unpickler, for files that are not a
     * flat state dict (hypernetworks). The caller closes the result.
     */
    public static PickledObject loadPickledObject(Path path) throws ModelFileException {
        if (!startsWith(head(path), ZIP_MAGIC)) {
            throw new ModelFileException(path, "is not a PyTorch zip checkpoint (.pt written by torch.save since 1.6)");
        }
        return TorchCheckpointReader.readObject(path);
    }

    /** Reads all tensors of {@code path}. The caller closes the result. */
    public static StateDict loadStateDict(Path path) throws ModelFileException {
        byte[] head = head(path);
        if (startsWith(head, ZIP_MAGIC)) return TorchCheckpointReader.read(path);
        // A pickle starts 0x80 <protocol>; so does a safetensors file whose header length ends in 0x80 (its JSON
        // header then starts at byte 8).
        boolean safetensorsHeader = head.length > 8 && head[8] == '{';
        if (head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] <= 5 && !safetensorsHeader) {
            throw new ModelFileException(path, "is in PyTorch's legacy (pre-1.6) format, which is not supported;"
                    + " re-save it with a current torch.save or convert it to safetensors");
        }
        SafetensorsFile file = SafetensorsFile.open(path);
        try {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (String name : file.tensors().keySet()) tensors.put(name, file.tensor(name).escapeScope());
            return new StateDict(tensors, file.metadata(), List.of(file));
        } catch (RuntimeException e) {
            file.close();
            throw new ModelFileException(path, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static byte[] head(Path path) throws ModelFileException {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(16);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(path, "no such file", e);
        } catch (IOException e) {
            throw new ModelFileException(path, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (data[i] != prefix[i]) return false;
        return true;
    }
}
