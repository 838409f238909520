package dev.comfy4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Percentage.withPercentage;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SafetensorsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(DType.class)
    void everyDtypeRoundTripsByteForByte(DType dtype) throws Exception {
        byte[] bytes = new byte[6 * dtype.byteSize()];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (dtype == DType.BOOL ? i % 2 : 0x11 * (i % 7) + 1);
        if (dtype.isFloatingPoint() && dtype.byteSize() == 1) for (int i = 0; i < bytes.length; i++) bytes[i] &= 0x3f;
        Path file = dir.resolve(dtype + ".safetensors");
        try (TensorScope ignored = TensorScope.open()) {
            SafetensorsWriter.write(file, Map.of("t", Tensor.fromBytes(bytes, dtype, 2, 3)), Map.of("dtype", dtype.name()));
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                assertThat(f.metadata()).containsEntry("dtype", dtype.name());
                TensorInfo info = f.tensors().get("t");
                assertThat(info.dtype()).isEqualTo(dtype);
                assertThat(info.shape()).containsExactly(2, 3);
                Tensor t = f.tensor("t");
                assertThat(t.dtype()).isEqualTo(dtype);
                assertThat(t.toByteArray()).containsExactly(bytes);
            }
        }
    }

    @Test
    void floatValuesSurviveF16AndBf16AndKeepOrder() throws Exception {
        Path file = dir.resolve("mixed.safetensors");
        try (TensorScope ignored = TensorScope.open()) {
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put("z.half", Tensor.fromFloats(new float[]{0.5f, 1, -2, 7}, 2, 2).to(DType.F16));
            in.put("a.bf16", Tensor.fromFloats(new float[]{0.5f, 1, -2, 7}, 4).to(DType.BF16));
            in.put("m.long", Tensor.fromLongs(new long[]{1L << 40, -3}, 2));
            SafetensorsWriter.write(file, in, Map.of());
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                assertThat(f.tensors().keySet()).containsExactly("z.half", "a.bf16", "m.long");
                assertThat(f.tensor("z.half").toFloatArray()).containsExactly(0.5f, 1, -2, 7);
                assertThat(f.tensor("a.bf16").toFloatArray()).containsExactly(0.5f, 1, -2, 7);
                assertThat(f.tensor("m.long").toLongArray()).containsExactly(1L << 40, -3);
            }
        }
        // The header is padded so tensor data starts 8-byte aligned.
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLength % 8).isZero();
    }

    @Test
    void tensorsAreZeroCopyViewsOfTheMapping() throws Exception {
        Path file = dir.resolve("zero.safetensors");
        try (TensorScope ignored = TensorScope.open()) {
            SafetensorsWriter.write(file, Map.of("w", Tensor.fromFloats(new float[]{1, 2, 3, 4}, 4).to(DType.F16)), Map.of());
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                Tensor w = f.tensor("w");
                assertThat(w.dataAddress()).isEqualTo(f.bytes("w").address());
                // Write 5.0 (f16 0x4500) into the file through a second, writable mapping of the same file:
                // the tensor sees it, so it reads the mapped pages, not a copy.
                long at = 8 + ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                        Arena arena = Arena.ofConfined()) {
                    MemorySegment rw = ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size(), arena);
                    rw.set(ValueLayout.JAVA_SHORT_UNALIGNED, at + 2, (short) 0x4500);
                }
                assertThat(w.toFloatArray()).containsExactly(1, 5, 3, 4);
            }
        }
    }

    @Test
    void releasedPagesLeaveTheProcessAndComeBackWhenReadAgain() throws Exception {
        Path file = dir.resolve("pages.safetensors");
        long values = 16L << 20; // 64 MB of float32
        try (TensorScope ignored = TensorScope.open()) {
            SafetensorsWriter.write(file, Map.of("w", Tensor.arange(0, values, 1, DType.F32)), Map.of());
        }
        try (StateDict sd = ModelFiles.loadStateDict(file); TensorScope ignored = TensorScope.open()) {
            Tensor w = sd.get("w");
            double sum = w.sum().item();
            long resident = rssFileKb();
            assertThat(sd.releasePages(w)).isTrue();
            long released = resident - rssFileKb();
            assertThat(released).as("file-backed RSS released, KB").isGreaterThan(48L << 10);
            assertThat(w.sum().item()).as("the same values, read again from the page cache").isCloseTo(sum, withPercentage(1e-4));

            Tensor copy = w.mul(2);
            assertThat(sd.releasePages(copy)).as("a tensor outside the mapping is left alone").isFalse();
            assertThat(StateDict.borrowed(sd).releasePages(w)).as("a view releases its base's pages").isTrue();
            assertThat(copy.sum().item()).isCloseTo(2 * sum, withPercentage(1e-4));
        }
    }

    /** RssFile of /proc/self/status: resident pages of mapped files. */
    private static long rssFileKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("RssFile:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new AssertionError("no RssFile in /proc/self/status");
    }

    @Test
    void filesLargerThan2GiBAreMappedWhole() throws Exception {
        Path file = dir.resolve("big.safetensors");
        long gap = 3L << 30; // a sparse 3 GiB hole before the tensor: no disk is used
        String json = "{\"pad\":{\"dtype\":\"U8\",\"shape\":[" + gap + "],\"data_offsets\":[0," + gap + "]},"
                + "\"far\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + gap + "," + (gap + 8) + "]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            raf.write(header);
            raf.seek(8 + header.length + gap);
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-4f).array());
        }
        try (SafetensorsFile f = SafetensorsFile.open(file); TensorScope ignored = TensorScope.open()) {
            assertThat(f.tensor("far").toFloatArray()).containsExactly(1.5f, -4f);
            assertThat(f.tensor("pad").numel()).isEqualTo(gap);
        }
    }

    @Test
    void damagedFilesFailWithAClearErrorNamingTheFile() throws Exception {
        Path good = dir.resolve("good.safetensors");
        try (TensorScope ignored = TensorScope.open()) {
            SafetensorsWriter.write(good, Map.of("w", Tensor.ones(DType.F32, 64)), Map.of());
        }
        byte[] bytes = Files.readAllBytes(good);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();

        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertThatThrownBy(() -> SafetensorsFile.open(truncated)).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith("truncated.safetensors: ").hasMessageContaining("outside");

        Path magic = dir.resolve("magic.safetensors");
        Files.write(magic, "GIF89a this is not a model at all".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> SafetensorsFile.open(magic)).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith("magic.safetensors: ");

        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[]{1, 2, 3});
        assertThatThrownBy(() -> SafetensorsFile.open(tiny)).hasMessageContaining("too short");

        for (String lie : List.of(
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[64],\"data_offsets\":[0,999999]}}",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[65],\"data_offsets\":[0,256]}}",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,256]}}",
                "{\"w\":{\"dtype\":\"Q9\",\"shape\":[64],\"data_offsets\":[0,256]}}",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[9223372036854775807,4],\"data_offsets\":[0,256]}}",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[32],\"data_offsets\":[0,128]},\"b\":{\"dtype\":\"F32\",\"shape\":[32],\"data_offsets\":[64,192]}}",
                "{\"w\":[1,2,3]}",
                "{\"w\": nonsense")) {
            Path liar = dir.resolve("liar.safetensors");
            byte[] h = lie.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(8 + h.length + 256).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(h.length).put(h);
            Files.write(liar, b.array());
            assertThatThrownBy(() -> SafetensorsFile.open(liar)).as(lie).isInstanceOf(ModelFileException.class)
                    .hasMessageStartingWith("liar.safetensors: ");
        }

        Path hugeHeader = dir.resolve("huge.safetensors");
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength + (1L << 40));
        Files.write(hugeHeader, copy);
        assertThatThrownBy(() -> SafetensorsFile.open(hugeHeader)).hasMessageContaining("header length");

        assertThatThrownBy(() -> ModelFiles.loadStateDict(dir.resolve("missing.safetensors")))
                .isInstanceOf(ModelFileException.class).hasMessage("missing.safetensors: no such file");
    }

    @Test
    void aHeaderLengthThatLooksLikeAPickleStartIsStillSafetensors() throws Exception {
        // A header length of 0x0?80 makes the file start 0x80 0x0?, as a pickle of protocol <= 5 does.
        Path file = dir.resolve("header_0x80.safetensors");
        for (int pad = 0; pad < 600; pad++) {
            try (TensorScope ignored = TensorScope.open()) {
                SafetensorsWriter.write(file, Map.of("w", Tensor.fromFloats(new float[] {1f, 2f}, 2)), Map.of("pad", "x".repeat(pad)));
            }
            byte[] head = Files.readAllBytes(file);
            if ((head[0] & 0xff) == 0x80 && head[1] <= 5) {
                try (StateDict sd = ModelFiles.loadStateDict(file)) {
                    assertThat(sd.get("w").toFloatArray()).containsExactly(1f, 2f);
                }
                return;
            }
        }
        throw new AssertionError("no padding gave a header length ending in 0x80");
    }
}
