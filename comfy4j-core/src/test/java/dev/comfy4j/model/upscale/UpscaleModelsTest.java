package dev.comfy4j.model.upscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfy4j.model.ModelFileException;
import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.upscale.ReferenceUpscale.Img;
import dev.comfy4j.model.upscale.TinyUpscaleModels.Rrdb;
import dev.comfy4j.model.upscale.TinyUpscaleModels.W;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detection and forward of the upscale models on small random-weight files the test writes: each key
 * layout gives the output of an independent plain-loop computation, sizes are the scale times the input,
 * .pth and .safetensors load the same, and files of other layouts are refused naming the file.
 */
class UpscaleModelsTest {
    @TempDir Path dir;

    private static Img randomImage(long seed, int c, int h, int w) {
        Random r = new Random(seed);
        Img img = new Img(c, h, w);
        for (int i = 0; i < img.v().length; i++) img.v()[i] = r.nextFloat();
        return img;
    }

    private static Tensor tensor(Img img) {
        return Tensor.fromFloats(img.v(), 1, img.c(), img.h(), img.w());
    }

    /** Largest absolute difference, relative to the reference's largest magnitude (at least 1). */
    private static double relativeError(Tensor actual, Img expected) {
        assertThat(actual.shape()).containsExactly(1, expected.c(), expected.h(), expected.w());
        float[] a = actual.toFloatArray();
        double max = 1, diff = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(expected.v()[i]));
            diff = Math.max(diff, Math.abs(a[i] - expected.v()[i]));
        }
        return diff / max;
    }

    private UpscaleModel load(Path file) throws ModelFileException {
        return UpscaleModels.load(file, Device.CPU);
    }

    @Test
    void everyRrdbKeyLayoutComputesTheReferenceForward() throws Exception {
        Rrdb weights = Rrdb.random(1, 3, 3, 4, 32, 2, 2, false);
        Img image = randomImage(2, 3, 7, 5);
        Img expected = ReferenceUpscale.esrgan(weights, image);
        for (Esrgan.Layout layout : Esrgan.Layout.values()) {
            Path file = TinyUpscaleModels.safetensors(dir.resolve(layout + ".safetensors"), weights.named(layout), false);
            try (UpscaleModel model = load(file); TensorScope ignored = TensorScope.open()) {
                assertThat(model.architecture()).isEqualTo("ESRGAN");
                assertThat(model.scale()).isEqualTo(4);
                assertThat(model.inputChannels()).isEqualTo(3);
                assertThat(model.description()).as(layout.toString()).contains(layout.label, "2 blocks", "4 features");
                Tensor out = model.network().forward(tensor(image));
                assertThat(out.shape()).containsExactly(1, 3, 28, 20);
                assertThat(relativeError(out, expected)).as(layout.toString()).isLessThan(1e-5);
            }
        }
    }

    @Test
    void theScaleComesFromTheNumberOfUpsamplings() throws Exception {
        Img image = randomImage(17, 3, 4, 3);
        for (int upsamplings : new int[] {0, 1, 3}) {
            Rrdb weights = Rrdb.random(18 + upsamplings, 3, 3, 4, 4, 1, upsamplings, false);
            Img expected = ReferenceUpscale.esrgan(weights, image);
            for (Esrgan.Layout layout : new Esrgan.Layout[] {Esrgan.Layout.OLD, Esrgan.Layout.NEW}) {
                Path file = TinyUpscaleModels.safetensors(dir.resolve("x" + upsamplings + layout + ".safetensors"), weights.named(layout), false);
                try (UpscaleModel model = load(file); TensorScope ignored = TensorScope.open()) {
                    assertThat(model.scale()).as(layout + " with " + upsamplings + " upsamplings").isEqualTo(1 << upsamplings);
                    assertThat(relativeError(model.network().forward(tensor(image)), expected)).isLessThan(1e-5);
                }
            }
        }
    }

    @Test
    void theModelCallClampsToZeroOne() throws Exception {
        Rrdb weights = Rrdb.random(3, 3, 3, 4, 32, 1, 1, false);
        Img image = randomImage(4, 3, 6, 6);
        Img expected = ReferenceUpscale.clamp01(ReferenceUpscale.esrgan(weights, image));
        try (UpscaleModel model = load(TinyUpscaleModels.safetensors(dir.resolve("x2.safetensors"), weights.named(Esrgan.Layout.OLD), false));
             TensorScope ignored = TensorScope.open()) {
            assertThat(model.scale()).isEqualTo(2);
            Tensor out = model.upscale(tensor(image));
            assertThat(relativeError(out, expected)).isLessThan(1e-5);
            float[] v = out.toFloatArray();
            long inside = 0;
            for (float f : v) if (f > 0 && f < 1) inside++;
            assertThat(inside).as("a test whose outputs all saturate checks nothing").isGreaterThan(v.length / 10);
        }
    }

    @Test
    void realEsrganX2AndX1UnshuffleTheirInput() throws Exception {
        for (int shuffle : new int[] {2, 4}) {
            Rrdb weights = Rrdb.random(5 + shuffle, 3 * shuffle * shuffle, 3, 4, 32, 1, 2, false);
            Path file = TinyUpscaleModels.safetensors(dir.resolve("real" + shuffle + ".safetensors"), weights.named(Esrgan.Layout.NEW), false);
            int scale = 4 / shuffle;
            // 6x10 is not a multiple of 4: spandrel pads to 8x12 (reflect) and crops the output back
            Img image = randomImage(6, 3, 6, 10);
            Img expected = ReferenceUpscale.clamp01(ReferenceUpscale.crop(
                    ReferenceUpscale.esrgan(weights, ReferenceUpscale.reflectPadTo(image, 4)), 6 * scale, 10 * scale));
            try (UpscaleModel model = load(file); TensorScope ignored = TensorScope.open()) {
                assertThat(model.scale()).isEqualTo(scale);
                assertThat(model.inputChannels()).isEqualTo(3);
                assertThat(model.multipleOf()).isEqualTo(4);
                assertThat(model.description()).contains("pixel unshuffle " + shuffle);
                Tensor out = model.upscale(tensor(image));
                assertThat(relativeError(out, expected)).as("shuffle " + shuffle).isLessThan(1e-5);
            }
        }
    }

    @Test
    void compactComputesTheReferenceForward() throws Exception {
        Map<String, W> weights = TinyUpscaleModels.compact(8, 3, 3, 8, 3, 4, false);
        Img image = randomImage(9, 3, 5, 6);
        Img expected = ReferenceUpscale.compact(weights, 3, 4, image);
        try (UpscaleModel model = load(TinyUpscaleModels.safetensors(dir.resolve("compact.safetensors"), weights, false));
             TensorScope ignored = TensorScope.open()) {
            assertThat(model.architecture()).isEqualTo("Compact");
            assertThat(model.scale()).isEqualTo(4);
            assertThat(model.outputChannels()).isEqualTo(3);
            assertThat(relativeError(model.network().forward(tensor(image)), expected)).isLessThan(1e-5);
        }
    }

    @Test
    void aCompactModelWithZeroWeightsIsTheNearestUpscaleOfItsInput() throws Exception {
        Map<String, W> zero = TinyUpscaleModels.compact(10, 3, 3, 8, 2, 2, true);
        Img image = randomImage(11, 3, 4, 7);
        try (UpscaleModel model = load(TinyUpscaleModels.safetensors(dir.resolve("zero.safetensors"), zero, false));
             TensorScope ignored = TensorScope.open()) {
            float[] out = model.upscale(tensor(image)).toFloatArray();
            assertThat(out.length).isEqualTo(3 * 8 * 14);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 14; x++) assertThat(out[(c * 8 + y) * 14 + x]).isEqualTo(image.at(c, y / 2, x / 2));
                }
            }
        }
    }

    @Test
    void pthFilesThroughTheRestrictedUnpicklerLoadAsTheirSafetensorsTwin() throws Exception {
        Rrdb weights = Rrdb.random(12, 3, 3, 4, 32, 1, 2, false);
        Map<String, W> named = weights.named(Esrgan.Layout.NEW);
        Img image = randomImage(13, 3, 5, 5);
        Path safetensors = TinyUpscaleModels.safetensors(dir.resolve("twin.safetensors"), named, false);
        // BasicSR saves {"params_ema": ...}; some files hold {"params": ..., "params_ema": ...}: spandrel takes params_ema.
        Map<String, W> other = Rrdb.random(99, 3, 3, 4, 32, 1, 2, false).named(Esrgan.Layout.NEW);
        Path emaOnly = TinyUpscaleModels.pth(dir.resolve("ema.pth"), named, "params_ema");
        Path both = dir.resolve("both.pth");
        dev.comfy4j.model.TorchZipWriter.writeWrapped(both, Map.of("params", floats(other), "params_ema", floats(named)));
        Path stateDict = TinyUpscaleModels.pth(dir.resolve("sd.pth"), weights.named(Esrgan.Layout.OLD), "state_dict");
        try (TensorScope ignored = TensorScope.open(); UpscaleModel reference = load(safetensors)) {
            float[] expected = reference.upscale(tensor(image)).toFloatArray();
            for (Path pth : new Path[] {emaOnly, both, stateDict}) {
                try (UpscaleModel model = load(pth)) {
                    assertThat(model.upscale(tensor(image)).toFloatArray()).as(pth.getFileName().toString()).containsExactly(expected);
                }
            }
            try (UpscaleModel half = load(TinyUpscaleModels.safetensors(dir.resolve("fp16.safetensors"), named, true))) {
                float[] out = half.upscale(tensor(image)).toFloatArray();
                double diff = 0;
                for (int i = 0; i < out.length; i++) diff = Math.max(diff, Math.abs(out[i] - expected[i]));
                assertThat(diff).as("fp16 weights, widened to float32").isGreaterThan(0).isLessThan(0.02);
            }
        }
    }

    private static Map<String, dev.comfy4j.model.TorchZipWriter.FloatTensor> floats(Map<String, W> weights) {
        Map<String, dev.comfy4j.model.TorchZipWriter.FloatTensor> out = new LinkedHashMap<>();
        weights.forEach((k, v) -> out.put(k, new dev.comfy4j.model.TorchZipWriter.FloatTensor(v.values(), v.shape())));
        return out;
    }

    @Test
    void aFileOfAnotherLayoutIsRefusedNamingTheFile() throws Exception {
        Path swin = dir.resolve("4x_swinir.safetensors");
        SafetensorsWriter.write(swin, Map.of("layers.0.residual_group.blocks.0.norm1.weight",
                Tensor.fromFloats(new float[] {1, 2}, 2)), Map.of());
        assertThatThrownBy(() -> load(swin)).isInstanceOf(UnsupportedUpscaleModelException.class)
                .hasMessageStartingWith("4x_swinir.safetensors: the upscale model's layout is not supported")
                .hasMessageContaining("SwinIR");
        Path empty = dir.resolve("empty.safetensors");
        SafetensorsWriter.write(empty, Map.of(), Map.of());
        assertThatThrownBy(() -> load(empty)).isInstanceOf(UnsupportedUpscaleModelException.class).hasMessageContaining("no tensors");
    }

    @Test
    void esrganPlusAddsItsOneByOneConvolutions() throws Exception {
        Rrdb weights = Rrdb.random(14, 3, 3, 4, 32, 2, 2, false, true);
        Img image = randomImage(16, 3, 6, 5);
        Img expected = ReferenceUpscale.esrgan(weights, image);
        Path file = TinyUpscaleModels.pth(dir.resolve("esrgan_plus.pth"), weights.named(Esrgan.Layout.OLD), "state_dict");
        try (UpscaleModel model = load(file); TensorScope ignored = TensorScope.open()) {
            assertThat(model.description()).startsWith("ESRGAN+, old layout");
            assertThat(relativeError(model.network().forward(tensor(image)), expected)).isLessThan(1e-5);
            // and the 1x1 convolutions matter: without them the output differs
            Rrdb plain = new Rrdb(3, 3, 4, 32, 2, 2, new LinkedHashMap<>(weights.modules()));
            plain.modules().keySet().removeIf(k -> k.startsWith("plus."));
            assertThat(relativeError(model.network().forward(tensor(image)), ReferenceUpscale.esrgan(plain, image))).isGreaterThan(1e-3);
        }
    }

    @Test
    void anIncompleteModelNamesTheMissingWeight() throws Exception {
        Map<String, W> named = new LinkedHashMap<>(Rrdb.random(15, 3, 3, 4, 32, 1, 2, false).named(Esrgan.Layout.NEW));
        named.remove("conv_hr.weight");
        named.remove("conv_hr.bias");
        Path file = TinyUpscaleModels.safetensors(dir.resolve("broken.safetensors"), named, false);
        assertThatThrownBy(() -> load(file)).isInstanceOf(ModelFileException.class)
                .isNotInstanceOf(UnsupportedUpscaleModelException.class)
                .hasMessage("broken.safetensors: is not a complete ESRGAN upscale model: the weight 'HRconv.weight' is missing");
    }
}
