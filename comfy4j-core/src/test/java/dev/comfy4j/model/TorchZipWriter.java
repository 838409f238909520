package dev.comfy4j.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes PyTorch zip checkpoints of float32 tensors the way {@code torch.save} lays them out
 * ({@code archive/data.pkl}, {@code archive/data/N}, {@code archive/byteorder}), with a protocol-2
 * pickle built opcode by opcode. Test support for the checkpoint reader; also builds hostile pickles.
 */
public final class TorchZipWriter {
    /** One float32 tensor. */
    public record FloatTensor(float[] values, long[] shape) {}

    private TorchZipWriter() {}

    /** {@code {"state_dict": OrderedDict(tensors), "global_step": 7}} as torch.save writes it. */
    public static void write(Path file, Map<String, FloatTensor> tensors) throws IOException {
        Pickle p = new Pickle();
        p.op(0x80).op(2).op('}').op('(');
        p.str("state_dict");
        Map<String, byte[]> storages = new LinkedHashMap<>();
        tensorDict(p, tensors, storages);
        p.str("global_step").integer(7);
        p.op('u').op('.');
        writeZip(file, p.bytes(), storages);
    }

    /**
     * {@code {wrapper: OrderedDict(tensors), ...}} as torch.save writes a dict of state dicts (BasicSR's
     * {@code {"params_ema": ...}}); each wrapper gets its own storages.
     */
    public static void writeWrapped(Path file, Map<String, Map<String, FloatTensor>> wrapped) throws IOException {
        Pickle p = new Pickle();
        p.op(0x80).op(2).op('}').op('(');
        Map<String, byte[]> storages = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, FloatTensor>> w : wrapped.entrySet()) {
            p.str(w.getKey());
            tensorDict(p, w.getValue(), storages);
        }
        p.op('u').op('.');
        writeZip(file, p.bytes(), storages);
    }

    /** Pushes {@code OrderedDict(tensors)}, their storages added to {@code storages} under fresh keys. */
    private static void tensorDict(Pickle p, Map<String, FloatTensor> tensors, Map<String, byte[]> storages) {
        p.global("collections", "OrderedDict").op(')').op('R');
        p.op('(');
        int key = storages.size();
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
            FloatTensor t = e.getValue();
            String storageKey = Integer.toString(key++);
            ByteBuffer b = ByteBuffer.allocate(t.values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : t.values()) b.putFloat(v);
            storages.put(storageKey, b.array());
            p.str(e.getKey());
            p.global("torch._utils", "_rebuild_tensor_v2");
            p.op('(');
            p.op('(').str("storage").global("torch", "FloatStorage").str(storageKey).str("cpu").integer(t.values().length).op('t').op('Q');
            p.integer(0);
            p.op('(');
            for (long s : t.shape()) p.integer(s);
            p.op('t');
            p.op('(');
            long stride = 1;
            long[] strides = new long[t.shape().length];
            for (int i = strides.length - 1; i >= 0; i--) { strides[i] = stride; stride *= t.shape()[i]; }
            for (long s : strides) p.integer(s);
            p.op('t');
            p.op(0x89);
            p.global("collections", "OrderedDict").op(')').op('R');
            p.op('t').op('R');
        }
        p.op('u');
    }

    /**
     * {@code torch.save(value)} of a tree of {@link Map}s (String or Long keys), {@link List}s, Strings,
     * Booleans, Longs and {@link FloatTensor}s, such as a hypernetwork file.
     */
    public static void writeObject(Path file, Object value) throws IOException {
        Pickle p = new Pickle();
        p.op(0x80).op(2);
        Map<String, byte[]> storages = new LinkedHashMap<>();
        object(p, value, storages);
        p.op('.');
        writeZip(file, p.bytes(), storages);
    }

    private static void object(Pickle p, Object value, Map<String, byte[]> storages) {
        switch (value) {
            case Map<?, ?> m -> {
                p.op('}').op('(');
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    object(p, e.getKey(), storages);
                    object(p, e.getValue(), storages);
                }
                p.op('u');
            }
            case java.util.List<?> l -> {
                p.op(']').op('(');
                for (Object o : l) object(p, o, storages);
                p.op('e');
            }
            case String s -> p.str(s);
            case Boolean b -> p.op(b ? 0x88 : 0x89);
            case Long n -> p.integer(n);
            case Integer n -> p.integer(n);
            case FloatTensor t -> tensor(p, t, storages);
            default -> throw new IllegalArgumentException("cannot pickle " + value);
        }
    }

    private static void tensor(Pickle p, FloatTensor t, Map<String, byte[]> storages) {
        String storageKey = Integer.toString(storages.size());
        ByteBuffer b = ByteBuffer.allocate(t.values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : t.values()) b.putFloat(v);
        storages.put(storageKey, b.array());
        p.global("torch._utils", "_rebuild_tensor_v2");
        p.op('(');
        p.op('(').str("storage").global("torch", "FloatStorage").str(storageKey).str("cpu").integer(t.values().length).op('t').op('Q');
        p.integer(0);
        p.op('(');
        for (long s : t.shape()) p.integer(s);
        p.op('t');
        p.op('(');
        long stride = 1;
        long[] strides = new long[t.shape().length];
        for (int i = strides.length - 1; i >= 0; i--) { strides[i] = stride; stride *= t.shape()[i]; }
        for (long s : strides) p.integer(s);
        p.op('t');
        p.op(0x89);
        p.global("collections", "OrderedDict").op(')').op('R');
        p.op('t').op('R');
    }

    /** A zip checkpoint whose data.pkl is {@code pickle} (and no storages). */
    public static void writeRaw(Path file, byte[] pickle) throws IOException {
        writeZip(file, pickle, Map.of());
    }

    private static void writeZip(Path file, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            stored(zip, "archive/data.pkl", pickle);
            stored(zip, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (Map.Entry<String, byte[]> e : storages.entrySet()) stored(zip, "archive/data/" + e.getKey(), e.getValue());
            stored(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** A tiny pickle assembler. */
    public static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Pickle op(int opcode) {
            out.write(opcode);
            return this;
        }

        public Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.write(0x8c);
            out.write(b.length);
            out.writeBytes(b);
            return this;
        }

        public Pickle integer(long v) {
            out.write('J');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
            return this;
        }

        public Pickle global(String module, String name) {
            out.write('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        public byte[] bytes() {
            return out.toByteArray();
        }
    }
}
