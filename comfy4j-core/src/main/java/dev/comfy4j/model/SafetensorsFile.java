package dev.comfy4j.model;

import dev.comfy4j.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A safetensors file, memory-mapped whole (any size, through {@code java.lang.foreign}). Tensors read
 * from it are zero-copy views of the mapping: no byte is copied until an op reads it, and the OS
 * pages weights in and out as needed.
 *
 * <p>The mapping is read-only: tensors from {@link #tensor} must not be changed in place (copy them
 * with {@code clone()} or {@code to(dtype)} first), and must not be used after {@link #close()}, which
 * unmaps the file. Safe to read from several threads; {@link #close()} must not race with reads.
 */
public final class SafetensorsFile implements AutoCloseable {
    private static final ValueLayout.OfLong HEADER_LENGTH = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final SafetensorsHeader header;
    private final long dataStart;

    private SafetensorsFile(Path path, Arena arena, MemorySegment mapping, SafetensorsHeader header, long dataStart) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.header = header;
        this.dataStart = dataStart;
    }

    /** Maps {@code path} and checks its header; a damaged file fails here with the reason. */
    public static SafetensorsFile open(Path path) throws ModelFileException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) throw new ModelFileException(path, "too short for a safetensors file (" + size + " bytes)");
            MemorySegment mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLength = mapping.get(HEADER_LENGTH, 0);
            if (headerLength < 2 || headerLength > SafetensorsHeader.MAX_HEADER_BYTES || headerLength > size - 8) {
                throw new ModelFileException(path, "not a safetensors file, or truncated: header length " + headerLength
                        + " does not fit a " + size + "-byte file");
            }
            byte[] json = mapping.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
            if (json[0] != '{') throw new ModelFileException(path, "not a safetensors file: the header does not start with '{'");
            long dataStart = 8 + headerLength;
            SafetensorsHeader header = SafetensorsHeader.parse(path, json, size - dataStart);
            return new SafetensorsFile(path, arena, mapping, header, dataStart);
        } catch (ModelFileException e) {
            arena.close();
            throw e;
        } catch (NoSuchFileException e) {
            arena.close();
            throw new ModelFileException(path, "no such file", e);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw new ModelFileException(path, "cannot be read: " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    public SafetensorsHeader header() {
        return header;
    }

    /** Tensor entries in header order. */
    public Map<String, TensorInfo> tensors() {
        return header.tensors();
    }

    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** The mapped bytes of one tensor (read-only). */
    public MemorySegment bytes(String name) {
        TensorInfo info = info(name);
        return mapping.asSlice(dataStart + info.begin(), info.byteSize());
    }

    /**
     * Drops this process's mapped pages under {@code tensor} when its data lies in this file's mapping (a
     * zero-copy tensor of this file); they stay in the page cache. Anything else is left alone.
     */
    boolean releasePages(Tensor tensor) {
        if (tensor.device().isCuda() || !tensor.isContiguous() || tensor.nbytes() == 0) return false;
        long start = tensor.dataAddress() - mapping.address();
        if (start < 0 || start + tensor.nbytes() > mapping.byteSize()) return false;
        mapping.asSlice(start, tensor.nbytes()).unload();
        return true;
    }

    /**
     * A zero-copy CPU tensor over the mapping. Its data may be unaligned when a writer did not pad the
     * header; libtorch's CPU kernels read unaligned data correctly. Owned like any tensor (scope or caller).
     */
    public Tensor tensor(String name) {
        TensorInfo info = info(name);
        return Tensor.fromMemory(bytes(name), info.dtype(), this, info.shape());
    }

    private TensorInfo info(String name) {
        TensorInfo info = header.tensors().get(name);
        if (info == null) throw new IllegalArgumentException(path.getFileName() + " has no tensor '" + name + "'");
        if (!arena.scope().isAlive()) throw new IllegalStateException(path.getFileName() + " is closed");
        return info;
    }

    /** Unmaps the file. Tensors read from it must not be used afterwards. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }
}
