package dev.comfy4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchitectureDetectorTest {
    @TempDir
    Path dir;

    @Test
    void tinySd15CheckpointIsDetectedThroughTheRealLoadPath() throws Exception {
        Path file = TinyCheckpoints.writeSd15(dir.resolve("tiny_sd15.safetensors"), SdLayouts.Sizes.TINY, DType.F16, 1);
        try (StateDict sd = ModelFiles.loadStateDict(file)) {
            assertThat(sd.size()).isEqualTo(1131);
            ModelArchitecture a = ArchitectureDetector.detect(sd);
            assertThat(a.family()).isEqualTo(ModelFamily.SD1);
            assertThat(a.prediction()).isEqualTo(Prediction.EPS);
            assertThat(a.standardSize()).isFalse();
            assertThat(a.unetPrefix()).isEqualTo("model.diffusion_model.");
            assertThat(a.vaePrefix()).isEqualTo("first_stage_model.");
            assertThat(a.textEncoderPrefixes()).containsExactly("cond_stage_model.transformer.");
            assertThat(a.unet().channelMult()).containsExactly(1, 2, 4, 4);
            assertThat(a.unet().numResBlocks()).containsExactly(2, 2, 2, 2);
            assertThat(a.unet().transformerDepth()).containsExactly(1, 1, 1, 1, 1, 1, 0, 0);
            // ComfyUI lists output depths in input-block order (deepest output block first)
            assertThat(a.unet().transformerDepthOutput()).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0);
            assertThat(a.unet().contextDim()).isEqualTo(32);
        }
    }

    @Test
    void tinySdxlCheckpointIsDetected() throws Exception {
        Path file = TinyCheckpoints.writeSdxl(dir.resolve("tiny_sdxl.safetensors"), SdLayouts.XlSizes.TINY, DType.F16, 2);
        try (StateDict sd = ModelFiles.loadStateDict(file)) {
            ModelArchitecture a = ArchitectureDetector.detect(sd);
            assertThat(a.family()).isEqualTo(ModelFamily.SDXL);
            assertThat(a.unet().transformerDepth()).containsExactly(0, 0, 2, 2, 10, 10);
            assertThat(a.unet().transformerDepthMiddle()).isEqualTo(10);
            assertThat(a.unet().admInChannels()).isEqualTo(64 + 1536);
            assertThat(a.textEncoderPrefixes()).containsExactly("conditioner.embedders.0.transformer.", "conditioner.embedders.1.model.");
        }
    }

    @Test
    void fullSizeSdxlAndRefinerShapesAreStandard() throws Exception {
        ModelArchitecture xl = ArchitectureDetector.detect(SdLayouts.sdxl(SdLayouts.XlSizes.SDXL), null);
        assertThat(xl.family()).isEqualTo(ModelFamily.SDXL);
        assertThat(xl.standardSize()).isTrue();
        ModelArchitecture refiner = ArchitectureDetector.detect(SdLayouts.sdxlRefinerUnet(384, 1280, 2560), null);
        assertThat(refiner.family()).isEqualTo(ModelFamily.SDXL_REFINER);
        assertThat(refiner.standardSize()).isTrue();
        assertThat(refiner.unet().transformerDepth()).containsExactly(0, 0, 4, 4, 4, 4, 0, 0);
        Map<String, long[]> vpred = new LinkedHashMap<>(SdLayouts.sdxl(SdLayouts.XlSizes.SDXL));
        vpred.put("v_pred", new long[0]);
        assertThat(ArchitectureDetector.detect(vpred, null).prediction()).isEqualTo(Prediction.V_PREDICTION);
    }

    @Test
    void sd2IsVPredictionWhenTheNormBiasIsSpread() throws Exception {
        Map<String, long[]> shapes = SdLayouts.sd2Unet(320, 1024);
        String key = "output_blocks.11.1.transformer_blocks.0.norm1.bias";
        assertThat(shapes).containsKey(key);
        try (Tensor flat = Tensor.zeros(DType.F32, 320); Tensor spread = Tensor.arange(0, 320, 1, DType.F32).mul(0.001)) {
            ModelArchitecture eps = ArchitectureDetector.detect(shapes, k -> k.equals(key) ? flat : null);
            assertThat(eps.family()).isEqualTo(ModelFamily.SD2);
            assertThat(eps.unetPrefix()).isEmpty();
            assertThat(eps.standardSize()).isTrue();
            assertThat(eps.prediction()).isEqualTo(Prediction.EPS);
            ModelArchitecture v = ArchitectureDetector.detect(shapes, k -> k.equals(key) ? spread : null);
            assertThat(v.prediction()).isEqualTo(Prediction.V_PREDICTION);
        }
    }

    /**
     * fp16 stores 0.09 as 0.0900269: a bias of +-0.09 in fp16 has exactly that std, which torch compares with
     * 0.09 taken in fp16 too (the same number), so it is not greater: eps, where a float32 comparison would say v.
     */
    @Test
    void theStdIsComparedInTheBiasDtype() throws Exception {
        Map<String, long[]> shapes = SdLayouts.sd2Unet(320, 1024);
        String key = "output_blocks.11.1.transformer_blocks.0.norm1.bias";
        float[] v = new float[320];
        for (int i = 0; i < v.length; i++) v[i] = i % 2 == 0 ? 0.09f : -0.09f;
        try (Tensor f16 = Tensor.fromFloats(v, 320).to(DType.F16); Tensor f32 = Tensor.fromFloats(v, 320);
             Tensor wider = Tensor.fromFloats(v, 320).mul(1.001).to(DType.F16)) {
            assertThat(f16.to(DType.F32).toFloatArray()[0]).isEqualTo(1475f / 16384f);
            assertThat(ArchitectureDetector.detect(shapes, k -> k.equals(key) ? f16 : null).prediction()).isEqualTo(Prediction.EPS);
            assertThat(ArchitectureDetector.detect(shapes, k -> k.equals(key) ? f32 : null).prediction()).isEqualTo(Prediction.EPS);
            assertThat(ArchitectureDetector.detect(shapes, k -> k.equals(key) ? wider : null).prediction())
                    .isEqualTo(Prediction.V_PREDICTION);
        }
    }

    @Test
    void unclipAndTheX4UpscalerAreRefusedByComfyUisNames() {
        for (int adm : new int[]{1536, 2048}) {
            Map<String, long[]> unclip = new LinkedHashMap<>(SdLayouts.sd2Unet(320, 1024));
            unclip.put("label_emb.0.0.weight", new long[]{1280, adm});
            unclip.put("label_emb.0.0.bias", new long[]{1280});
            assertThatThrownBy(() -> ArchitectureDetector.detect(unclip, null)).isInstanceOf(UnknownArchitectureException.class)
                    .hasMessageContaining(adm == 1536 ? "SD21UnclipL" : "SD21UnclipH").hasMessageContaining("not supported");
        }
        Map<String, long[]> upscaler = new LinkedHashMap<>(SdLayouts.sd2Unet(256, 1024));
        upscaler.put("input_blocks.0.0.weight", new long[]{256, 7, 3, 3});
        assertThatThrownBy(() -> ArchitectureDetector.detect(upscaler, null)).isInstanceOf(UnknownArchitectureException.class)
                .hasMessageContaining("SD_X4Upscaler");
    }

    @Test
    void sd2InSgmLayoutNamesItsTextEncoderPrefix() throws Exception {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        SdLayouts.sd2Unet(64, 64).forEach((k, v) -> shapes.put("model.diffusion_model." + k, v));
        shapes.put("conditioner.embedders.0.model.token_embedding.weight", new long[]{49408, 64});
        ModelArchitecture a = ArchitectureDetector.detect(shapes, null);
        assertThat(a.family()).isEqualTo(ModelFamily.SD2);
        assertThat(a.standardSize()).isFalse();
        assertThat(a.textEncoderPrefixes()).containsExactly("conditioner.embedders.0.model.");
    }

    /**
     * The real SD1.5 layout, from the header alone: the same keys, shapes and metadata as
     * shared/tools/make_random_sd15.py writes, without the 2 GB of data.
     */
    @Test
    void fullSizeSd15HeaderIsDetectedFromShapesOnly() throws Exception {
        Map<String, long[]> shapes = SdLayouts.sd15(SdLayouts.Sizes.SD15);
        assertThat(shapes).hasSize(1131);
        List<TensorInfo> entries = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            boolean ids = e.getKey().endsWith("position_ids");
            DType dt = ids ? DType.I64 : DType.F16;
            long n = 1;
            for (long s : e.getValue()) n *= s;
            entries.add(new TensorInfo(e.getKey(), dt, e.getValue(), offset, offset + n * dt.byteSize()));
            offset += n * dt.byteSize();
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("generator", "make_random_sd15.py");
        meta.put("seed", "1234");
        meta.put("dtype", "fp16");
        byte[] header = SafetensorsHeader.encode(entries, meta);
        // The golden checkpoint (golden/numeric/README.md) is 2 132 625 990 bytes: same header, same data size.
        assertThat(8 + header.length + offset).isEqualTo(2_132_625_990L);
        SafetensorsHeader parsed = SafetensorsHeader.parse(Path.of("peer_random_sd15.safetensors"), header, offset);
        Map<String, long[]> parsedShapes = new LinkedHashMap<>();
        parsed.tensors().forEach((k, v) -> parsedShapes.put(k, v.shape()));
        ModelArchitecture a = ArchitectureDetector.detect(parsedShapes, null);
        assertThat(a.family()).isEqualTo(ModelFamily.SD1);
        assertThat(a.family().comfyName()).isEqualTo("SD15");
        assertThat(a.standardSize()).isTrue();
        assertThat(a.prediction()).isEqualTo(Prediction.EPS);
        assertThat(a.unet().contextDim()).isEqualTo(768);
        assertThat(a.unet().modelChannels()).isEqualTo(320);
        assertThat(new String(header, StandardCharsets.UTF_8)).startsWith("{\"__metadata__\":{\"format\":\"pt\"");
    }

    @Test
    void unknownArchitecturesAreReportedClearly() {
        Map<String, long[]> notAModel = Map.of("encoder.layer.0.weight", new long[]{4, 4});
        assertThatThrownBy(() -> ArchitectureDetector.detect(notAModel, null))
                .isInstanceOf(UnknownArchitectureException.class).hasMessageContaining("no UNet found");
        Map<String, long[]> odd = new LinkedHashMap<>(SdLayouts.sd2Unet(64, 64));
        odd.put("label_emb.0.0.weight", new long[]{256, 1536});
        assertThatThrownBy(() -> ArchitectureDetector.detect(odd, null))
                .isInstanceOf(UnknownArchitectureException.class).hasMessageContaining("unknown model architecture");
    }
}
