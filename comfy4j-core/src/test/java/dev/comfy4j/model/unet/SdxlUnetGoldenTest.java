package dev.comfy4j.model.unet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.model.ArchitectureDetector;
import dev.comfy4j.model.ModelArchitecture;
import dev.comfy4j.model.ModelFamily;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.Prediction;
import dev.comfy4j.model.SafetensorsFile;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The SDXL UNet against ComfyUI 0.3.64 on the random SDXL checkpoint
 * (shared/golden/numeric-sdxl/unet.safetensors): the adm vector {@code y} of every case, built by
 * {@link SdxlAdm} from the golden pooled output and the sizes ComfyUI uses (the latent's pixel size, or
 * CLIPTextEncodeSDXL's), and the denoised output of every case, computed here from one UNet call as
 * ComfyUI batches it (cond and uncond in one call of batch 2, uncond first; a shorter context repeated
 * to the longer one). The fp16 weights stay memory-mapped and are widened per layer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdxlUnetGoldenTest {
    private static final String SET = "golden/numeric-sdxl/";
    private static final double TOLERANCE = 5e-5;

    private StateDict checkpoint;
    private DiffusionModel model;
    private SafetensorsFile unetGolden;
    private SafetensorsFile clipGolden;
    private final Map<String, JsonNode> manifest = new HashMap<>();
    private JsonNode sdxlCases;

    @BeforeAll
    void load() throws Exception {
        var unetFile = SharedFiles.require(SET + "unet.safetensors");
        var clipFile = SharedFiles.require(SET + "clip.safetensors");
        for (JsonNode e : SharedFiles.json(SET + "manifest.json").get("entries")) manifest.put(e.get("key").asText(), e);
        sdxlCases = SharedFiles.json(SET + "spec.json").get("clip_sdxl").get("cases");
        var path = TestCheckpoints.requireSdxl();
        unetGolden = SafetensorsFile.open(unetFile);
        clipGolden = SafetensorsFile.open(clipFile);
        checkpoint = ModelFiles.loadStateDict(path);
        ModelArchitecture arch = ArchitectureDetector.detect(checkpoint);
        assertThat(arch.family()).isEqualTo(ModelFamily.SDXL);
        assertThat(arch.prediction()).isEqualTo(Prediction.EPS);
        assertThat(arch.unet().contextDim()).isEqualTo(2048);
        assertThat(arch.unet().admInChannels()).isEqualTo(SdxlAdm.WIDTH);
        UNetModel unet = UNetModel.load(checkpoint, arch.unetPrefix(), arch.unet(), WeightStorage.CAST_PER_CALL, Device.CPU);
        model = new DiffusionModel(unet, ModelSamplingDiscrete.of(arch.prediction()), arch.family());
    }

    @AfterAll
    void close() {
        if (model != null) model.close();
        if (checkpoint != null) checkpoint.close();
        if (unetGolden != null) unetGolden.close();
        if (clipGolden != null) clipGolden.close();
    }

    @Test
    void everyCaseMatchesComfyUi() {
        int checked = 0;
        for (String caseName : List.of("cfg1/sigma0", "cfg1/sigma1", "cfg1/sigma2", "sdxl_c0", "cfg_case0", "cfg_case1",
                "nonsquare_cfg")) {
            String base = "unet/" + caseName + "/";
            JsonNode params = manifest.get(base + "denoised").get("params");
            try (TensorScope ignored = TensorScope.open()) {
                Tensor x = unetGolden.tensor(params.get("x").asText());
                double sigma = params.get("sigma").asDouble();
                double cfg = params.get("cfg").asDouble();
                assertThat(model.modelSampling().timestep(sigma)).as(base + "timestep").isEqualTo(params.get("timestep").asInt());

                List<String> conds = new ArrayList<>();
                if (cfg != 1.0) conds.add(params.get("uncond").asText()); // ComfyUI's call order: uncond, then cond
                conds.add(params.get("cond").asText());
                List<Tensor> contexts = new ArrayList<>();
                List<Tensor> ys = new ArrayList<>();
                for (String cond : conds) {
                    contexts.add(clipGolden.tensor(cond));
                    Tensor pooled = clipGolden.tensor(cond.replace("/cond", "/pooled"));
                    ys.add(SdxlAdm.encode(pooled, sizes(cond, x)));
                }
                Tensor y = Tensor.cat(ys, 0);
                double yError = RelativeL2.of(y, unetGolden.tensor(base + "y"));

                Tensor eps = unetCall(x, sigma, contexts, y);
                Tensor denoised = x.repeat(conds.size(), 1, 1, 1).sub(eps.mul(sigma));
                Tensor out = cfg == 1.0 ? denoised
                        : denoised.narrow(0, 0, 1).add(denoised.narrow(0, 1, 1).sub(denoised.narrow(0, 0, 1)).mul(cfg));
                double error = RelativeL2.of(out, unetGolden.tensor(base + "denoised"));
                System.out.printf("%s: y rel-L2 %.3e, denoised rel-L2 %.3e%n", caseName, yError, error);
                assertThat(yError).as(base + "y").isLessThanOrEqualTo(TOLERANCE);
                assertThat(error).as(base + "denoised").isLessThanOrEqualTo(TOLERANCE);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(7);
    }

    /** The sizes in the conditioning (CLIPTextEncodeSDXL), else the latent's pixel size, as ComfyUI's encode_model_conds. */
    private SdxlAdm.Sizes sizes(String condKey, Tensor x) {
        for (JsonNode c : sdxlCases) {
            if (condKey.equals("clip/sdxl/" + c.get("name").asText() + "/cond")) {
                return new SdxlAdm.Sizes(c.get("width").asDouble(), c.get("height").asDouble(), c.get("crop_w").asDouble(),
                        c.get("crop_h").asDouble(), c.get("target_width").asDouble(), c.get("target_height").asDouble());
            }
        }
        return SdxlAdm.Sizes.of(x.size(3) * 8, x.size(2) * 8);
    }

    /** eps of one UNet call over the batch of contexts, each the same latent; contexts repeated to one length. */
    private Tensor unetCall(Tensor x, double sigma, List<Tensor> contexts, Tensor y) {
        long longest = contexts.stream().mapToLong(c -> c.size(1)).max().orElseThrow();
        List<Tensor> repeated = new ArrayList<>();
        for (Tensor c : contexts) repeated.add(c.repeat(1, longest / c.size(1), 1));
        Tensor context = Tensor.cat(repeated, 0);
        Tensor batch = x.repeat(contexts.size(), 1, 1, 1);
        Tensor s = Tensor.fromFloats(new float[] {(float) sigma}, 1).repeat(contexts.size());
        Tensor input = model.modelSampling().calculateInput(s, batch);
        Tensor t = model.modelSampling().timestep(s).to(DType.F32);
        return model.unet().forward(input, t, context, y);
    }
}
