package dev.comfy4j.model;

import java.nio.file.Path;

/** A pickle that asks for something besides tensors and plain data: it is refused, never run. */
public final class UnsafePickleException extends ModelFileException {
    public UnsafePickleException(Path file, String what) {
        super(file, "refused to load: the checkpoint's pickle references " + what
                + "; only tensors, storages, dicts/OrderedDict, lists, tuples, numbers and strings are allowed"
                + " (nothing from the file is ever executed)");
    }
}
