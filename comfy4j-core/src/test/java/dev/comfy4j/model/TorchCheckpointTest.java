package dev.comfy4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfy4j.model.TorchZipWriter.FloatTensor;
import dev.comfy4j.model.TorchZipWriter.Pickle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void zipCheckpointLoadsItsStateDict() throws Exception {
        Map<String, FloatTensor> in = new LinkedHashMap<>();
        in.put("model.w", new FloatTensor(new float[]{1, 2, 3, 4, 5, 6}, new long[]{2, 3}));
        in.put("model.b", new FloatTensor(new float[]{-1.5f}, new long[]{1}));
        Path ckpt = dir.resolve("tiny.ckpt");
        TorchZipWriter.write(ckpt, in);
        try (StateDict sd = ModelFiles.loadStateDict(ckpt)) {
            assertThat(sd.keys()).containsExactly("model.w", "model.b"); // global_step is not a tensor: dropped
            assertThat(sd.get("model.w").shape()).containsExactly(2, 3);
            assertThat(sd.get("model.w").toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(sd.get("model.b").toFloatArray()).containsExactly(-1.5f);
        }
    }

    @Test
    void aPickleCallingOsSystemIsRefusedAndNeverRun() throws Exception {
        Path marker = dir.resolve("pwned");
        byte[] evil = new Pickle().op(0x80).op(2)
                .global("posix", "system").str("touch " + marker).op(0x85).op('R').op('.').bytes();
        Path ckpt = dir.resolve("evil.ckpt");
        TorchZipWriter.writeRaw(ckpt, evil);
        assertThatThrownBy(() -> ModelFiles.loadStateDict(ckpt))
                .isInstanceOf(UnsafePickleException.class)
                .hasMessageStartingWith("evil.ckpt: refused to load")
                .hasMessageContaining("'posix.system'")
                .hasMessageContaining("nothing from the file is ever executed");
        assertThat(marker).doesNotExist();

        // The same through STACK_GLOBAL (protocol 4) and with builtins.eval.
        byte[] stackGlobal = new Pickle().op(0x80).op(4).str("os").str("system").op(0x93).str("id").op(0x85).op('R').op('.').bytes();
        TorchZipWriter.writeRaw(ckpt, stackGlobal);
        assertThatThrownBy(() -> ModelFiles.loadStateDict(ckpt)).isInstanceOf(UnsafePickleException.class)
                .hasMessageContaining("'os.system'");
        byte[] eval = new Pickle().op(0x80).op(2).op('}').str("x").global("builtins", "eval").str("1+1").op(0x85).op('R')
                .op('s').op('.').bytes();
        TorchZipWriter.writeRaw(ckpt, eval);
        assertThatThrownBy(() -> ModelFiles.loadStateDict(ckpt)).isInstanceOf(UnsafePickleException.class)
                .hasMessageContaining("'builtins.eval'");
    }

    @Test
    void brokenCheckpointsFailClearly() throws Exception {
        Map<String, FloatTensor> in = Map.of("w", new FloatTensor(new float[16], new long[]{16}));
        Path ckpt = dir.resolve("cut.ckpt");
        TorchZipWriter.write(ckpt, in);
        byte[] bytes = Files.readAllBytes(ckpt);
        Files.write(ckpt, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> ModelFiles.loadStateDict(ckpt)).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith("cut.ckpt: ");

        Path truncatedPickle = dir.resolve("pickle.ckpt");
        TorchZipWriter.writeRaw(truncatedPickle, new Pickle().op(0x80).op(2).op('}').str("abc").bytes());
        assertThatThrownBy(() -> ModelFiles.loadStateDict(truncatedPickle)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("pickle");

        Path legacy = dir.resolve("old.pt");
        Files.write(legacy, new byte[]{(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20});
        assertThatThrownBy(() -> ModelFiles.loadStateDict(legacy)).hasMessageContaining("legacy");

        // A tensor whose view reaches past its storage (the pickle lies about sizes).
        Path liar = dir.resolve("liar.ckpt");
        TorchZipWriter.write(liar, Map.of("w", new FloatTensor(new float[4], new long[]{4})));
        byte[] zip = Files.readAllBytes(liar);
        // Patch the shape 4 (BININT 'J' 04 00 00 00 right after offset 0) to 400 in data.pkl: rewrite via a fresh pickle.
        Pickle p = new Pickle().op(0x80).op(2).op('}').str("w").global("torch._utils", "_rebuild_tensor_v2")
                .op('(').op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(4).op('t').op('Q')
                .integer(0).op('(').integer(400).op('t').op('(').integer(1).op('t').op(0x89)
                .global("collections", "OrderedDict").op(')').op('R').op('t').op('R').op('s').op('.');
        assertThat(zip.length).isPositive();
        TorchZipWriter.writeRaw(liar, p.bytes());
        assertThatThrownBy(() -> ModelFiles.loadStateDict(liar)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("storage");
    }
}
