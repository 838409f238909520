package dev.comfy4j.model;

import dev.comfy4j.tensor.DType;
import java.util.List;

/** The values the restricted unpickler builds, besides maps, lists, numbers, strings and bytes. */
final class PickleValues {
    private PickleValues() {}

    /** A Python tuple. */
    record Tuple(List<Object> items) {}

    /** A reference to an allowed Python global (never resolved to code). */
    record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** A storage of a zip checkpoint: the entry {@code data/<key>} holds {@code numel} elements of {@code dtype}. */
    record Storage(String key, DType dtype, long numel) {}

    /** {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)}. */
    record TensorRef(Storage storage, long offset, long[] size, long[] stride) {}

    /** Python's None inside collections that cannot hold null keys or to mark a missing value. */
    enum None { NONE }
}
