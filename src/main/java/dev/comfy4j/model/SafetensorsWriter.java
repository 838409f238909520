package dev.comfy4j.model;

import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files: tensors in the given order, header padded to 8 bytes so every tensor
 * starts aligned, written to a temporary sibling and moved into place so a reader never sees half a file.
 */
public final class SafetensorsWriter {
    private static final int CHUNK = 64 << 20;

    private SafetensorsWriter() {}

    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        List<TensorInfo> entries = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) throw new IllegalArgumentException("__metadata__ is not a tensor name");
            Tensor t = e.getValue();
            long bytes = t.numel() * t.dtype().byteSize();
            entries.add(new TensorInfo(e.getKey(), t.dtype(), t.shape(), offset, offset + bytes));
            offset += bytes;
        }
        byte[] header = SafetensorsHeader.encode(entries, metadata);
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            writeFully(out, len);
            writeFully(out, ByteBuffer.wrap(header));
            for (Tensor t : tensors.values()) {
                if (t.numel() == 0) continue; // an empty tensor has no data pointer and no bytes to write
                try (Tensor cpu = t.to(Device.CPU); Tensor c = cpu.contiguous()) {
                    MemorySegment data = c.dataSegment();
                    for (long pos = 0; pos < data.byteSize(); pos += CHUNK) {
                        writeFully(out, data.asSlice(pos, Math.min(CHUNK, data.byteSize() - pos)).asByteBuffer());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) out.write(buffer);
    }
}
