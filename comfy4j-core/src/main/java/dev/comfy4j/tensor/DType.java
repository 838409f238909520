package dev.comfy4j.tensor;

import java.util.Locale;
import java.util.Optional;

/**
 * Element types, named as in safetensors headers. Each knows its width and whether it is a float type.
 */
public enum DType {
    F64(8, true), F32(4, true), F16(2, true), BF16(2, true),
    F8_E4M3(1, true), F8_E5M2(1, true),
    I64(8, false), I32(4, false), I16(2, false), I8(1, false),
    U64(8, false), U32(4, false), U16(2, false), U8(1, false),
    BOOL(1, false);

    private final int byteSize;
    private final boolean floatingPoint;

    DType(int byteSize, boolean floatingPoint) {
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** The safetensors header spelling ({@code "F16"}, {@code "BF16"}, ...). */
    public String safetensorsName() {
        return name();
    }

    /** Parses a safetensors dtype name; empty when unknown. */
    public static Optional<DType> fromSafetensorsName(String name) {
        try {
            return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
