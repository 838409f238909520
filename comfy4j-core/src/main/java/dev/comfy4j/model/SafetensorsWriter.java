package dev.comfy4j.model;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes safetensors files: tensors in the given order, header padded to 8 bytes so every tensor
 * starts aligned, written to a temporary sibling and moved into place so a reader never sees half a file.
 */
public final class SafetensorsWriter {
    private static final int CHUNK = 64 << 20;

    private SafetensorsWriter() {}

    /**
     * One tensor to write: its name, dtype and shape for the header, and its values, made when the writer
     * reaches it (in a scope the writer closes right after), so that a large file is written with one
     * converted tensor in memory at a time.
     */
    public record Entry(String name, DType dtype, long[] shape, Supplier<Tensor> values) {
        public static Entry of(String name, Tensor t) {
            return new Entry(name, t.dtype(), t.shape(), () -> t);
        }
    }

    /** Writes {@code tensors} in map order; {@code metadata} null or empty writes no {@code __metadata__}. */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        List<Entry> entries = new ArrayList<>();
        tensors.forEach((name, t) -> entries.add(Entry.of(name, t)));
        write(path, entries, metadata);
    }

    /** Writes {@code entries} in list order; {@code metadata} null or empty writes no {@code __metadata__}. */
    public static void write(Path path, List<Entry> entries, Map<String, String> metadata) throws IOException {
        List<TensorInfo> infos = new ArrayList<>();
        long offset = 0;
        for (Entry e : entries) {
            if (e.name().equals("__metadata__")) throw new IllegalArgumentException("__metadata__ is not a tensor name");
            long numel = 1;
            for (long d : e.shape()) numel *= d;
            long bytes = numel * e.dtype().byteSize();
            infos.add(new TensorInfo(e.name(), e.dtype(), e.shape(), offset, offset + bytes));
            offset += bytes;
        }
        byte[] header = SafetensorsHeader.encode(infos, metadata == null ? Map.of() : metadata);
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            writeFully(out, len);
            writeFully(out, ByteBuffer.wrap(header));
            for (int i = 0; i < entries.size(); i++) {
                TensorInfo info = infos.get(i);
                if (info.numel() == 0) continue; // an empty tensor has no data pointer and no bytes to write
                try (TensorScope ignored = TensorScope.open()) {
                    Tensor t = entries.get(i).values().get();
                    if (t.dtype() != info.dtype() || !Arrays.equals(t.shape(), info.shape())) {
                        throw new IllegalArgumentException(info.name() + " is " + t.dtype() + Arrays.toString(t.shape())
                                + ", its entry says " + info.dtype() + Arrays.toString(info.shape()));
                    }
                    Tensor c = t.to(Device.CPU).contiguous();
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
