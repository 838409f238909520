package dev.comfy4j.model.vae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfy4j.model.ModelFileException;
import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.TorchZipWriter;
import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.MemoryStats;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import dev.comfy4j.tensor.TorchGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ComfyUI's VAE behaviour around the network, on a tiny random VAE with the real SD key layout. */
class VaeTest {
    private static StateDict checkpoint;
    private static Vae vae;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws Exception {
        checkpoint = TinyVae.open();
        vae = new Vae(AutoencoderKL.fromStateDict(checkpoint, AutoencoderKL.CHECKPOINT_PREFIX));
    }

    @AfterAll
    static void close() {
        if (vae != null) vae.close();
        if (checkpoint != null) checkpoint.close();
    }

    private static Tensor latent(long seed, long... shape) {
        try (TorchGenerator g = TorchGenerator.cpu(seed)) {
            return Tensor.randn(g, DType.F32, shape);
        }
    }

    private static Tensor image(long seed, long... shape) {
        try (TorchGenerator g = TorchGenerator.cpu(seed)) {
            Tensor r = Tensor.randn(g, DType.F32, shape);
            return r.sigmoid();
        }
    }

    // ---- layout and constants ---------------------------------------------------------------

    @Test
    void decodeGivesAnImageEightTimesLargerInZeroToOne() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor out = vae.decode(latent(1, 2, 4, 5, 7));
            assertThat(out.shape()).containsExactly(2, 40, 56, 3);
            assertThat(out.amin().item()).isGreaterThanOrEqualTo(0.0);
            assertThat(out.amax().item()).isLessThanOrEqualTo(1.0);
            assertThat(vae.latentChannels()).isEqualTo(4);
            assertThat(vae.downscaleRatio()).isEqualTo(8);
            assertThat(Vae.SD1_SCALE_FACTOR).isEqualTo(0.18215);
        }
    }

    @Test
    void decodeIsTheClampedRawDecoderOutputInNhwc() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor z = latent(2, 1, 4, 4, 4);
            Tensor raw = vae.model().decodeRaw(z);
            Tensor expected = raw.add(1.0).div(2.0).clamp(0, 1).permute(0, 2, 3, 1).contiguous();
            assertThat(vae.decode(z).toFloatArray()).containsExactly(expected.toFloatArray());
        }
    }

    @Test
    void encodeCropsToMultiplesOfEightAroundTheCentreAndUsesTheRgbChannels() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor rgba = image(3, 1, 70, 75, 4);
            Tensor latent = vae.encode(rgba);
            assertThat(latent.shape()).containsExactly(1, 4, 8, 9);
            // 70 -> 64 from row (70 % 8) / 2 = 3; 75 -> 72 from column (75 % 8) / 2 = 1
            Tensor cropped = rgba.narrow(1, 3, 64).narrow(2, 1, 72).narrow(3, 0, 3).contiguous();
            Tensor pixels = cropped.permute(0, 3, 1, 2).mul(2.0).sub(1.0);
            Tensor direct = vae.model().encodeMean(pixels);
            assertThat(RelativeL2.of(latent.toFloatArray(), direct.toFloatArray())).isLessThan(1e-6);
        }
    }

    @Test
    void anImageSmallerThanOneLatentCellIsRefused() {
        try (TensorScope ignored = TensorScope.open()) {
            assertThatThrownBy(() -> vae.encode(image(4, 1, 6, 30, 3))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("smaller");
            assertThatThrownBy(() -> vae.decode(Tensor.zeros(DType.F32, 1, 3, 4, 4))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[B, 4, H, W]");
        }
    }

    // ---- batch splitting and the fall-back to tiles -----------------------------------------

    /** Records the batch and size of every call, and can fail the first {@code failures} calls with libtorch's OOM error. */
    private static final class RecordingCodec implements VaeCodec {
        final List<long[]> calls = new ArrayList<>();
        int failures;
        RuntimeException oom;

        @Override
        public Tensor decodeRaw(Tensor latent) {
            calls.add(latent.shape());
            if (failures > 0) {
                failures--;
                throw oom;
            }
            return vae.model().decodeRaw(latent);
        }

        @Override
        public Tensor encodeMean(Tensor image) {
            calls.add(image.shape());
            if (failures > 0) {
                failures--;
                throw oom;
            }
            return vae.model().encodeMean(image);
        }
    }

    /** What libtorch really throws when an allocation fails. */
    private static RuntimeException realOutOfMemory() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor.empty(DType.F32, Device.CPU, 1L << 24, 1L << 24);
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("a 2^50-byte allocation succeeded");
    }

    @Test
    void libtorchsAllocationFailureIsRecognisedAsOutOfMemory() {
        RuntimeException e = realOutOfMemory();
        assertThat(OutOfMemory.is(e)).as(e.getMessage()).isTrue();
        assertThat(OutOfMemory.is(new IllegalArgumentException("shapes do not match"))).isFalse();
    }

    @Test
    void batchesAreSplitByComfyUisMemoryEstimate() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor z = latent(5, 3, 4, 4, 6);
            long perItem = Vae.COMFY_DECODE_BYTES_PER_LATENT_CELL * 4 * 6;
            RecordingCodec codec = new RecordingCodec();
            Vae twoAtATime = new Vae(vae.model(), codec, () -> 2 * perItem + perItem / 2, List.of());
            Tensor split = twoAtATime.decode(z);
            assertThat(codec.calls).extracting(s -> s[0]).containsExactly(2L, 1L);
            RecordingCodec all = new RecordingCodec();
            Tensor whole = new Vae(vae.model(), all, () -> 100 * perItem, List.of()).decode(z);
            assertThat(all.calls).extracting(s -> s[0]).containsExactly(3L);
            assertThat(RelativeL2.of(split.toFloatArray(), whole.toFloatArray())).isLessThan(1e-6);

            Tensor pixels = image(6, 3, 16, 24, 3);
            long perImage = Vae.COMFY_ENCODE_BYTES_PER_PIXEL * 16 * 24;
            RecordingCodec enc = new RecordingCodec();
            new Vae(vae.model(), enc, () -> perImage, List.of()).encode(pixels);
            assertThat(enc.calls).extracting(s -> s[0]).containsExactly(1L, 1L, 1L);
        }
    }

    @Test
    void runningOutOfMemoryRetriesWithComfyUisDefaultTiles() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor z = latent(7, 1, 4, 80, 8);   // taller than the fall-back's 64-cell tiles
            RecordingCodec codec = new RecordingCodec();
            codec.oom = realOutOfMemory();
            codec.failures = 1;
            Vae flaky = new Vae(vae.model(), codec, () -> Long.MAX_VALUE / 4, List.of());
            Tensor out = flaky.decode(z);
            assertThat(out.shape()).containsExactly(1, 640, 64, 3);
            assertThat(codec.calls.getFirst()).containsExactly(1, 4, 80, 8);
            // then decode_tiled_(samples) with tile 64, overlap 16: tall tiles (128x32) fit the 80 rows,
            // wide (32x128) and square (64x64) tiles take positions 0, 16, 32, 48 and 0, 48 along the height
            assertThat(codec.calls.subList(1, codec.calls.size())).extracting(s -> s[2])
                    .containsExactly(80L, 32L, 32L, 32L, 32L, 64L, 32L);
            Tensor tiled = vae.decodeTiled(z, 512, 128, 64, 8);
            assertThat(out.toFloatArray()).containsExactly(tiled.toFloatArray());
        }
    }

    @Test
    void otherErrorsAreNotRetried() {
        try (TensorScope ignored = TensorScope.open()) {
            RecordingCodec codec = new RecordingCodec();
            codec.oom = new IllegalStateException("something else broke");
            codec.failures = 1;
            Vae broken = new Vae(vae.model(), codec, () -> Long.MAX_VALUE / 4, List.of());
            assertThatThrownBy(() -> broken.decode(latent(8, 1, 4, 8, 8))).hasMessage("something else broke");
            assertThat(codec.calls).hasSize(1);
        }
    }

    @Test
    void tooLittleFreeMemoryGoesTiledBeforeAnyAllocation() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor pixels = image(9, 1, 600, 264, 3);
            RecordingCodec codec = new RecordingCodec();
            Vae small = new Vae(vae.model(), codec, () -> 1 << 20, List.of());
            Tensor latent = small.encode(pixels);
            assertThat(latent.shape()).containsExactly(1, 4, 75, 33);
            // encode_tiled_ defaults: tile 512, overlap 64 (and 1024x256, 256x1024): no call saw the whole image
            assertThat(codec.calls).allSatisfy(s -> assertThat(s[2] * s[3]).isLessThan(600 * 264));
            assertThat(latent.toFloatArray()).containsExactly(vae.encodeTiled(pixels, 512, 64, 64, 8).toFloatArray());
        }
    }

    // ---- tiled decode and encode ------------------------------------------------------------

    @Test
    void tiledDecodeOfALatentLargerThanTheTileIsCloseToTheWholeDecode() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor z = latent(10, 1, 4, 24, 24);
            Tensor whole = vae.decode(z);
            List<long[]> progress = new ArrayList<>();
            Tensor tiled = vae.decodeTiled(z, 128, 32, 64, 8, (done, total) -> progress.add(new long[]{done, total}));
            assertThat(tiled.shape()).containsExactly(1, 192, 192, 3);
            double rel = RelativeL2.of(tiled.toFloatArray(), whole.toFloatArray());
            System.out.printf("tiled decode vs whole: rel-L2 %.4f%n", rel);
            assertThat(rel).as("tiled vs whole, rel-L2").isLessThan(TILED_TOLERANCE).isGreaterThan(0);
            // 16-cell tiles with 4 overlap: 2x2 tiles square, (32x8) and (8x32) passes 1x4 and 4x1...
            assertThat(progress).isNotEmpty();
            assertThat(progress.getLast()[0]).isEqualTo(progress.getLast()[1]);
        }
    }

    /**
     * Tiles see less context than the whole image (the middle attention and every 3x3 conv reach across
     * tile borders), so tiled results differ from whole ones near the borders, as in ComfyUI. Measured
     * on this random VAE: 0.065 rel-L2 for the decode (128-pixel tiles, overlap 32) and 0.10 for the
     * encode (same tiles); a trained VAE's outputs are smoother. The blend itself is exact
     * ({@code TiledScaleTest}).
     */
    static final double TILED_TOLERANCE = 0.15;

    @Test
    void aLatentThatFitsOneTileDecodesTheSameTiledOrNot() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor z = latent(11, 1, 4, 8, 8);
            Tensor tiled = vae.decodeTiled(z, 512, 64, 64, 8);
            assertThat(RelativeL2.of(tiled.toFloatArray(), vae.decode(z).toFloatArray())).isLessThan(1e-6);
        }
    }

    @Test
    void tiledDecodeShrinksAnOverlapLargerThanAQuarterOfTheTile() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor z = latent(12, 1, 4, 20, 20);
            // overlap 96 > 128 / 4, so it becomes 32: the same as asking for 32
            assertThat(vae.decodeTiled(z, 128, 96, 64, 8).toFloatArray())
                    .containsExactly(vae.decodeTiled(z, 128, 32, 64, 8).toFloatArray());
        }
    }

    @Test
    void tiledEncodeIsCloseToTheWholeEncode() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor pixels = image(13, 1, 200, 136, 3);
            Tensor whole = vae.encode(pixels);
            Tensor tiled = vae.encodeTiled(pixels, 128, 32, 64, 8);
            assertThat(tiled.shape()).containsExactly(whole.shape());
            double rel = RelativeL2.of(tiled.toFloatArray(), whole.toFloatArray());
            System.out.printf("tiled encode vs whole: rel-L2 %.4f%n", rel);
            assertThat(rel).isLessThan(TILED_TOLERANCE).isGreaterThan(0);
        }
    }

    // ---- VAE files --------------------------------------------------------------------------

    private static Map<String, Tensor> vaeTensorsWithoutPrefix() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        checkpoint.tensors().forEach((k, t) -> {
            if (k.startsWith("first_stage_model.")) out.put(k.substring("first_stage_model.".length()), t);
        });
        return out;
    }

    @Test
    void aStandaloneSafetensorsVaeDecodesLikeTheCheckpointsVae() throws Exception {
        Path file = dir.resolve("tiny_vae.safetensors");
        SafetensorsWriter.write(file, vaeTensorsWithoutPrefix(), Map.of());
        try (Vae loaded = VaeFiles.load(file); TensorScope ignored = TensorScope.open()) {
            Tensor z = latent(14, 1, 4, 6, 5);
            assertThat(loaded.decode(z).toFloatArray()).containsExactly(vae.decode(z).toFloatArray());
            Tensor pixels = image(15, 1, 48, 40, 3);
            assertThat(loaded.encode(pixels).toFloatArray()).containsExactly(vae.encode(pixels).toFloatArray());
        }
    }

    @Test
    void aPtVaeFileLoadsToo() throws Exception {
        Path file = dir.resolve("tiny_vae.pt");
        Map<String, TorchZipWriter.FloatTensor> floats = new LinkedHashMap<>();
        vaeTensorsWithoutPrefix().forEach((k, t) -> floats.put(k, new TorchZipWriter.FloatTensor(t.toFloatArray(), t.shape())));
        TorchZipWriter.write(file, floats);
        try (Vae loaded = VaeFiles.load(file); TensorScope ignored = TensorScope.open()) {
            Tensor z = latent(16, 1, 4, 6, 5);
            // fp16 widened to fp32 is exact, so the float32 file holds the same weights
            assertThat(RelativeL2.of(loaded.decode(z).toFloatArray(), vae.decode(z).toFloatArray())).isLessThan(1e-6);
        }
    }

    @Test
    void aDiffusersLayoutVaeLoadsToo() throws Exception {
        Map<String, Tensor> diffusers = new LinkedHashMap<>();
        try (TensorScope ignored = TensorScope.open()) {
            vaeTensorsWithoutPrefix().forEach((k, t) -> {
                String name = toDiffusers(k);
                // diffusers keeps the attention projections as linear weights
                boolean attention = name.contains("attentions.0.to_") && name.endsWith(".weight");
                diffusers.put(name, attention ? t.reshape(t.size(0), t.size(1)).contiguous() : t);
            });
            assertThat(diffusers).containsKey("decoder.up_blocks.0.resnets.0.norm1.weight")
                    .containsKey("encoder.mid_block.attentions.0.to_q.weight")
                    .containsKey("decoder.conv_norm_out.weight");
            Path file = dir.resolve("diffusion_pytorch_model.safetensors");
            SafetensorsWriter.write(file, diffusers, Map.of());
            try (Vae loaded = VaeFiles.load(file)) {
                Tensor z = latent(17, 1, 4, 6, 5);
                assertThat(loaded.decode(z).toFloatArray()).containsExactly(vae.decode(z).toFloatArray());
            }
        }
    }

    /** The diffusers name of an LDM VAE key, written from the diffusers naming (independently of DiffusersVaeKeys). */
    private static String toDiffusers(String k) {
        String s = k.replace("nin_shortcut", "conv_shortcut").replace("norm_out", "conv_norm_out")
                .replace("mid.block_1.", "mid_block.resnets.0.").replace("mid.block_2.", "mid_block.resnets.1.");
        if (s.contains("mid.attn_1.")) {
            s = s.replace("mid.attn_1.", "mid_block.attentions.0.").replace(".norm.", ".group_norm.")
                    .replace(".q.", ".to_q.").replace(".k.", ".to_k.").replace(".v.", ".to_v.").replace(".proj_out.", ".to_out.0.");
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(encoder|decoder)\\.(down|up)\\.(\\d)\\.(block\\.(\\d)|downsample|upsample)\\.")
                .matcher(s);
        if (m.find()) {
            int level = Integer.parseInt(m.group(3));
            boolean up = m.group(2).equals("up");
            String blocks = (up ? "up_blocks." + (3 - level) : "down_blocks." + level) + ".";
            String inner = m.group(5) != null ? "resnets." + m.group(5) : (up ? "upsamplers.0" : "downsamplers.0");
            s = m.group(1) + "." + blocks + inner + "." + s.substring(m.end());
        }
        return s;
    }

    @Test
    void aUnetFileIsRefusedWithTheFileNameAndTheReason() throws Exception {
        Path file = dir.resolve("some_unet.safetensors");
        Map<String, Tensor> unet = new LinkedHashMap<>();
        checkpoint.tensors().forEach((k, t) -> {
            if (k.startsWith("model.diffusion_model.input_blocks.0.")) unet.put(k, t);
        });
        SafetensorsWriter.write(file, unet, Map.of());
        assertThatThrownBy(() -> VaeFiles.load(file)).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith("some_unet.safetensors: is not a VAE")
                .hasMessageContaining("UNETLoader");
    }

    @Test
    void aVaeFileMissingAWeightNamesIt() throws Exception {
        Path file = dir.resolve("broken_vae.safetensors");
        Map<String, Tensor> tensors = vaeTensorsWithoutPrefix();
        tensors.remove("decoder.mid.block_1.conv2.weight");
        SafetensorsWriter.write(file, tensors, Map.of());
        assertThatThrownBy(() -> VaeFiles.load(file)).isInstanceOf(ModelFileException.class)
                .hasMessageStartingWith("broken_vae.safetensors: is not a complete Stable Diffusion VAE")
                .hasMessageContaining("decoder.mid.block_1.conv2.weight");
    }

    // ---- memory -----------------------------------------------------------------------------

    @Test
    void repeatedDecodesKeepMemoryFlat() {
        Tensor z;
        try (TensorScope ignored = TensorScope.open()) {
            z = latent(18, 1, 4, 32, 32).escapeScope();
        }
        try {
            for (int i = 0; i < 3; i++) decodeOnce(z);
            MemoryStats.trimNativeHeap();
            long before = MemoryStats.currentRss();
            for (int i = 0; i < 12; i++) decodeOnce(z);
            MemoryStats.trimNativeHeap();
            long after = MemoryStats.currentRss();
            // one 256x256 decode of this VAE allocates about 100 MB of activations: 12 leaked would show
            assertThat(after - before).as("RSS growth over 12 decodes").isLessThan(48L << 20);
        } finally {
            z.close();
        }
    }

    private static void decodeOnce(Tensor z) {
        try (TensorScope scope = TensorScope.open()) {
            vae.decode(z);
            assertThat(scope.size()).isEqualTo(1);
        }
    }
}
