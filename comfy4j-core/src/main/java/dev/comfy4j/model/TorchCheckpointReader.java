package dev.comfy4j.model;

import dev.comfy4j.model.PickleValues.Storage;
import dev.comfy4j.model.PickleValues.TensorRef;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads PyTorch zip checkpoints ({@code .ckpt}, {@code .pt}, {@code .pth}, {@code .bin} written by
 * {@code torch.save} since 1.6): {@code <archive>/data.pkl} through the {@link RestrictedUnpickler},
 * each storage {@code <archive>/data/<key>} copied into native memory once and shared by the tensors
 * that view it. Like ComfyUI's {@code load_torch_file}, a top-level {@code "state_dict"} entry is used
 * when present, or the only entry when the top level holds exactly one dict.
 */
final class TorchCheckpointReader {
    private static final int COPY_CHUNK = 1 << 20;

    private TorchCheckpointReader() {}

    static StateDict read(Path path) throws ModelFileException {
        try (ZipFile zip = new ZipFile(path.toFile())) {
            ZipEntry pickleEntry = zip.stream().filter(e -> e.getName().endsWith("data.pkl")
                    && e.getName().chars().filter(c -> c == '/').count() == 1).findFirst()
                    .orElseThrow(() -> new ModelFileException(path, "a zip file without data.pkl is not a PyTorch checkpoint"));
            String archive = pickleEntry.getName().substring(0, pickleEntry.getName().length() - "data.pkl".length());
            ZipEntry byteOrder = zip.getEntry(archive + "byteorder");
            if (byteOrder != null) {
                String order = new String(zip.getInputStream(byteOrder).readAllBytes()).trim();
                if (!order.equals("little")) throw new ModelFileException(path, "byte order '" + order + "' is not supported");
            }
            if (pickleEntry.getSize() > Integer.MAX_VALUE - 16) throw new ModelFileException(path, "data.pkl is too large");
            byte[] pickle;
            try (InputStream in = zip.getInputStream(pickleEntry)) {
                pickle = in.readAllBytes();
            }
            Object root = RestrictedUnpickler.load(path, pickle);
            Map<?, ?> dict = stateDictOf(path, root);
            return materialise(path, zip, archive, dict);
        } catch (ModelFileException e) {
            throw e;
        } catch (ZipException e) {
            throw new ModelFileException(path, "not a valid zip checkpoint (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ModelFileException(path, "cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The whole unpickled object of a zip checkpoint, each tensor reference replaced by a tensor (a view
     * of its storage, read once): for files that are not flat state dicts, such as hypernetworks (a dict
     * of dims to lists of state dicts beside option strings and flags).
     */
    static PickledObject readObject(Path path) throws ModelFileException {
        try (ZipFile zip = new ZipFile(path.toFile())) {
            ZipEntry pickleEntry = zip.stream().filter(e -> e.getName().endsWith("data.pkl")
                    && e.getName().chars().filter(c -> c == '/').count() == 1).findFirst()
                    .orElseThrow(() -> new ModelFileException(path, "a zip file without data.pkl is not a PyTorch checkpoint"));
            String archive = pickleEntry.getName().substring(0, pickleEntry.getName().length() - "data.pkl".length());
            if (pickleEntry.getSize() > Integer.MAX_VALUE - 16) throw new ModelFileException(path, "data.pkl is too large");
            byte[] pickle;
            try (InputStream in = zip.getInputStream(pickleEntry)) {
                pickle = in.readAllBytes();
            }
            Object root = RestrictedUnpickler.load(path, pickle);
            List<Tensor> owned = new java.util.ArrayList<>();
            Map<String, Tensor> storages = new HashMap<>();
            try (TensorScope ignored = TensorScope.open()) {
                Object value = withTensors(path, zip, archive, root, storages, owned, "");
                owned.forEach(Tensor::escapeScope);
                return new PickledObject(value, owned);
            } catch (IOException | RuntimeException e) {
                owned.forEach(Tensor::close);
                throw e;
            }
        } catch (ModelFileException e) {
            throw e;
        } catch (ZipException e) {
            throw new ModelFileException(path, "not a valid zip checkpoint (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ModelFileException(path, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** {@code value} with every tensor reference in it (through maps, lists and tuples) read into a tensor. */
    private static Object withTensors(Path path, ZipFile zip, String archive, Object value, Map<String, Tensor> storages,
                                      List<Tensor> owned, String where) throws IOException {
        if (value instanceof TensorRef ref) {
            Tensor storage = storages.get(ref.storage().key());
            if (storage == null) {
                storage = readStorage(path, zip, archive, ref.storage());
                storages.put(ref.storage().key(), storage);
            }
            checkExtent(path, where, ref);
            Tensor t = storage.asStrided(ref.size(), ref.stride(), ref.offset());
            owned.add(t);
            return t;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(e.getKey(), withTensors(path, zip, archive, e.getValue(), storages, owned, where + "/" + e.getKey()));
            }
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new java.util.ArrayList<>();
            for (int i = 0; i < list.size(); i++) out.add(withTensors(path, zip, archive, list.get(i), storages, owned, where + "/" + i));
            return out;
        }
        if (value instanceof PickleValues.Tuple tuple) {
            return withTensors(path, zip, archive, tuple.items(), storages, owned, where);
        }
        return value;
    }

    private static Map<?, ?> stateDictOf(Path path, Object root) throws ModelFileException {
        if (!(root instanceof Map<?, ?> top)) throw new ModelFileException(path, "the checkpoint does not hold a dict");
        if (top.get("state_dict") instanceof Map<?, ?> sd) return sd;
        if (top.size() == 1 && top.values().iterator().next() instanceof Map<?, ?> only) return only;
        return top;
    }

    private static StateDict materialise(Path path, ZipFile zip, String archive, Map<?, ?> dict) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Tensor> storages = new HashMap<>();
        try (TensorScope scope = TensorScope.open()) {
            for (Map.Entry<?, ?> e : flattenNested(dict).entrySet()) {
                if (!(e.getKey() instanceof String key) || !(e.getValue() instanceof TensorRef ref)) continue;
                Tensor storage = storages.get(ref.storage().key());
                if (storage == null) {
                    storage = readStorage(path, zip, archive, ref.storage());
                    storages.put(ref.storage().key(), storage);
                }
                checkExtent(path, key, ref);
                tensors.put(key, scope.keep(storage.asStrided(ref.size(), ref.stride(), ref.offset())));
            }
            // Storages close with the scope; the views keep the memory they use alive.
            List<Tensor> views = List.copyOf(tensors.values());
            views.forEach(Tensor::escapeScope);
        } catch (IOException | RuntimeException e) {
            tensors.values().forEach(Tensor::close);
            throw e;
        }
        return new StateDict(tensors, Map.of(), List.of());
    }

    /**
     * The entries of {@code dict}, with the tensors of nested dicts added under {@code outer.inner}
     * names (one level): textual-inversion files keep their vectors in {@code string_to_param}.
     */
    private static Map<Object, Object> flattenNested(Map<?, ?> dict) {
        Map<Object, Object> out = new LinkedHashMap<>(dict);
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String outer) || !(e.getValue() instanceof Map<?, ?> nested)) continue;
            nested.forEach((k, v) -> {
                if (k instanceof String inner && v instanceof TensorRef) out.putIfAbsent(outer + "." + inner, v);
            });
        }
        return out;
    }

    private static void checkExtent(Path path, String key, TensorRef ref) throws ModelFileException {
        long last = ref.offset();
        if (ref.size().length != ref.stride().length) {
            throw new ModelFileException(path, "tensor '" + key + "' has " + ref.size().length + " sizes but "
                    + ref.stride().length + " strides");
        }
        boolean empty = false;
        for (int i = 0; i < ref.size().length; i++) {
            if (ref.size()[i] < 0 || ref.stride()[i] < 0) throw new ModelFileException(path, "tensor '" + key + "' has a negative size or stride");
            if (ref.size()[i] == 0) empty = true;
            else last += (ref.size()[i] - 1) * ref.stride()[i];
        }
        if (ref.offset() < 0 || (!empty && last >= ref.storage().numel())) {
            throw new ModelFileException(path, "tensor '" + key + "' " + Arrays.toString(ref.size())
                    + " reaches past its storage of " + ref.storage().numel() + " elements");
        }
    }

    private static Tensor readStorage(Path path, ZipFile zip, String archive, Storage s) throws IOException {
        ZipEntry entry = zip.getEntry(archive + "data/" + s.key());
        if (entry == null) throw new ModelFileException(path, "storage '" + s.key() + "' is missing from the archive");
        long bytes = Math.multiplyExact(s.numel(), s.dtype().byteSize());
        if (entry.getSize() >= 0 && entry.getSize() < bytes) {
            throw new ModelFileException(path, "storage '" + s.key() + "' holds " + entry.getSize() + " bytes, "
                    + bytes + " expected (truncated or corrupt file)");
        }
        Tensor t = Tensor.empty(s.dtype(), Device.CPU, s.numel());
        MemorySegment target = t.dataSegment();
        byte[] buffer = new byte[COPY_CHUNK];
        try (InputStream in = zip.getInputStream(entry)) {
            long done = 0;
            while (done < bytes) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, bytes - done));
                if (n < 0) throw new ModelFileException(path, "storage '" + s.key() + "' ends after " + done + " of " + bytes + " bytes");
                MemorySegment.copy(buffer, 0, target, ValueLayout.JAVA_BYTE, done, n);
                done += n;
            }
        }
        return t;
    }
}
