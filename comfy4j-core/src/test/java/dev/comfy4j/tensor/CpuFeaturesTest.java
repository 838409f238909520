package dev.comfy4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuFeaturesTest {
    @TempDir
    Path dir;

    private Optional<Boolean> bf16(String cpuinfo) throws Exception {
        Path file = dir.resolve("cpuinfo");
        Files.writeString(file, cpuinfo);
        return CpuFeatures.hasBf16Instructions(file);
    }

    @Test
    void readsTheFlagsOfX86AndTheFeaturesOfArm() throws Exception {
        assertThat(bf16("processor\t: 0\nflags\t\t: fpu sse avx512f avx512_bf16 avx512_vnni\n")).contains(true);
        assertThat(bf16("processor\t: 0\nflags\t\t: fpu sse avx2 amx_bf16 amx_tile\n")).contains(true);
        assertThat(bf16("processor\t: 0\nflags\t\t: fpu sse avx2 fma avx512f\n")).contains(false);
        assertThat(bf16("processor\t: 0\nFeatures\t: fp asimd sve bf16 i8mm\n")).contains(true);
        assertThat(bf16("processor\t: 0\nFeatures\t: fp asimd evtstrm\n")).contains(false);
    }

    @Test
    void unknownWhenThereIsNothingToRead() throws Exception {
        assertThat(bf16("processor\t: 0\nmodel name\t: something\n")).isEmpty();
        assertThat(CpuFeatures.hasBf16Instructions(dir.resolve("absent"))).isEmpty();
    }
}
