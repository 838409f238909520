package dev.comfy4j.tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/** What the CPU can do, as far as it matters for choosing a compute dtype. */
public final class CpuFeatures {
    /** Linux's names of the instructions oneDNN uses for bfloat16 matrix products (x86 and Arm). */
    private static final Set<String> BF16_FLAGS = Set.of("avx512_bf16", "amx_bf16", "bf16");

    private CpuFeatures() {}

    /**
     * Whether the CPU has native bfloat16 dot products; empty when this cannot be told (no
     * {@code /proc/cpuinfo}). Without them libtorch emulates bfloat16 and is slower than float32.
     */
    public static Optional<Boolean> hasBf16Instructions() {
        return hasBf16Instructions(Path.of("/proc/cpuinfo"));
    }

    static Optional<Boolean> hasBf16Instructions(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                int colon = line.indexOf(':');
                if (colon < 0) continue;
                String key = line.substring(0, colon).trim();
                if (!key.equals("flags") && !key.equals("Features")) continue;
                for (String flag : line.substring(colon + 1).trim().split("\\s+")) {
                    if (BF16_FLAGS.contains(flag)) return Optional.of(true);
                }
                return Optional.of(false);
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
