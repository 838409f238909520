package dev.comfy4j.model;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Full-size checkpoints that cost no disk: the safetensors header names every tensor with its real
 * shape, the data region is left as a hole ({@link RandomAccessFile#setLength}), so every weight reads
 * as zeros, and only the few tensors in {@code values} are written. A file of gigabytes takes a few MB.
 */
public final class SparseCheckpoints {
    private SparseCheckpoints() {}

    /** Writes {@code shapes} (in map order) in {@code dtype}; {@code values} are float32 data for chosen keys. */
    public static Path write(Path file, Map<String, long[]> shapes, DType dtype, Map<String, float[]> values,
            Map<String, String> metadata) throws IOException {
        List<TensorInfo> entries = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = 1;
            for (long d : e.getValue()) n *= d;
            entries.add(new TensorInfo(e.getKey(), dtype, e.getValue(), offset, offset + n * dtype.byteSize()));
            offset += n * dtype.byteSize();
        }
        for (String key : values.keySet()) {
            if (!shapes.containsKey(key)) throw new IllegalArgumentException("no tensor " + key + " in the layout");
        }
        byte[] header = SafetensorsHeader.encode(entries, metadata);
        long dataStart = 8 + header.length;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(0);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            raf.write(header);
            raf.setLength(dataStart + offset);
            for (TensorInfo info : entries) {
                float[] v = values.get(info.name());
                if (v == null) continue;
                if (v.length * dtype.byteSize() != info.end() - info.begin()) {
                    throw new IllegalArgumentException(info.name() + " needs " + (info.end() - info.begin()) / dtype.byteSize()
                            + " values, got " + v.length);
                }
                raf.seek(dataStart + info.begin());
                raf.write(bytes(v, info.shape(), dtype));
            }
        }
        return file;
    }

    private static byte[] bytes(float[] v, long[] shape, DType dtype) {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor t = Tensor.fromFloats(v, v.length).to(dtype);
            return t.toByteArray();
        }
    }
}
