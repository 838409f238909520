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
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The UNet denoiser cases against ComfyUI 0.3.64 on the random-weight SD1.5 checkpoint
 * (shared/golden/numeric/unet.safetensors): three sigmas with cfg 1 (denoised and the raw eps) and two
 * cfg 7.5 cases, one with a 154-token positive prompt against a 77-token negative one. Each subclass runs them
 * for one way of computing the UNet, with its tolerances.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class UnetGoldenCases {
    private final WeightStorage storage;
    private final DType computeDtype;
    /** For eps, cond and uncond outputs and cfg 1. */
    private final double tolerance;
    /** For the cfg 7.5 result, which amplifies the cond - uncond difference. */
    private final double cfgTolerance;

    UnetGoldenCases(WeightStorage storage, DType computeDtype, double tolerance, double cfgTolerance) {
        this.storage = storage;
        this.computeDtype = computeDtype;
        this.tolerance = tolerance;
        this.cfgTolerance = cfgTolerance;
    }

    private StateDict checkpoint;
    private DiffusionModel model;
    private SafetensorsFile unetGolden;
    private SafetensorsFile clipGolden;
    private final Map<String, JsonNode> manifest = new HashMap<>();

    @BeforeAll
    void load() throws Exception {
        var unetFile = SharedFiles.require("golden/numeric/unet.safetensors");
        var clipFile = SharedFiles.require("golden/numeric/clip.safetensors");
        JsonNode entries = SharedFiles.json("golden/numeric/manifest.json").get("entries");
        for (JsonNode e : entries) manifest.put(e.get("key").asText(), e);
        var path = TestCheckpoints.requireSd15();
        unetGolden = SafetensorsFile.open(unetFile);
        clipGolden = SafetensorsFile.open(clipFile);
        checkpoint = ModelFiles.loadStateDict(path);
        ModelArchitecture arch = ArchitectureDetector.detect(checkpoint);
        assertThat(arch.family()).isEqualTo(ModelFamily.SD1);
        assertThat(arch.prediction()).isEqualTo(Prediction.EPS);
        UNetModel unet = UNetModel.load(checkpoint, arch.unetPrefix(), arch.unet(), AttentionHeads.forConfig(arch.unet()), storage,
                computeDtype, Device.CPU);
        model = new DiffusionModel(unet, ModelSamplingDiscrete.of(arch.prediction()), arch.family());
    }

    @AfterAll
    void close() {
        if (model != null) model.close();
        if (checkpoint != null) checkpoint.close();
        if (unetGolden != null) unetGolden.close();
        if (clipGolden != null) clipGolden.close();
    }

    private Tensor golden(String key) {
        return unetGolden.tensor(key);
    }

    private Tensor context(String key) {
        return clipGolden.tensor(key);
    }

    private static Tensor sigmaTensor(double sigma) {
        return Tensor.fromFloats(new float[]{(float) sigma}, 1);
    }

    @Test
    void cfgOneDenoiserMatchesComfyUiAtThreeSigmas() {
        CfgDenoiser denoiser = new CfgDenoiser();
        for (int i = 0; i < 3; i++) {
            String base = "unet/cfg1/sigma" + i + "/";
            JsonNode params = manifest.get(base + "denoised").get("params");
            double sigma = params.get("sigma").asDouble();
            try (TensorScope ignored = TensorScope.open()) {
                Tensor x = golden("unet/input/x");
                Tensor cond = context(params.get("cond").asText());
                Tensor s = sigmaTensor(sigma);
                assertThat(model.modelSampling().timestep(sigma)).as("timestep at sigma " + sigma)
                        .isEqualTo(params.get("timestep").asInt());

                CfgDenoiser.Result result = denoiser.denoiseWithParts(model, x, s, cond, context("clip/default/p1/cond"), 1.0);
                assertThat(result.uncondDenoised()).as("cfg 1 skips the negative pass").isNull();
                double denoisedError = RelativeL2.of(result.denoised(), golden(base + "denoised"));

                // The raw UNet output at the same point.
                Tensor input = model.modelSampling().calculateInput(s, x);
                Tensor t = model.modelSampling().timestep(s).to(DType.F32);
                double epsError = RelativeL2.of(model.unet().forward(input, t, cond), golden(base + "eps"));

                System.out.printf("%s sigma %s: denoised rel_l2 %.3g, eps rel_l2 %.3g%n", computeDtype, sigma, denoisedError, epsError);
                assertThat(denoisedError).as(base + "denoised").isLessThanOrEqualTo(tolerance);
                assertThat(epsError).as(base + "eps").isLessThanOrEqualTo(tolerance);
            }
        }
    }

    @Test
    void cfgCasesMatchComfyUiIncludingContextsOfDifferentLengths() {
        CfgDenoiser denoiser = new CfgDenoiser();
        for (int j = 0; j < 2; j++) {
            String base = "unet/cfg_case" + j + "/";
            JsonNode params = manifest.get(base + "denoised").get("params");
            try (TensorScope ignored = TensorScope.open()) {
                Tensor x = golden(params.get("x").asText());
                Tensor cond = context(params.get("cond").asText());
                Tensor uncond = context(params.get("uncond").asText());
                double sigma = params.get("sigma").asDouble();
                assertThat(model.modelSampling().timestep(sigma)).isEqualTo(params.get("timestep").asInt());
                CfgDenoiser.Result r = denoiser.denoiseWithParts(model, x, sigmaTensor(sigma), cond, uncond,
                        params.get("cfg").asDouble());
                double d = RelativeL2.of(r.denoised(), golden(base + "denoised"));
                double c = RelativeL2.of(r.condDenoised(), golden(base + "cond_denoised"));
                double u = RelativeL2.of(r.uncondDenoised(), golden(base + "uncond_denoised"));
                System.out.printf("%s cfg case %d (cond %d tokens): denoised %.3g, cond %.3g, uncond %.3g%n", computeDtype, j, cond.size(1), d, c, u);
                assertThat(d).as(base + "denoised").isLessThanOrEqualTo(cfgTolerance);
                assertThat(c).as(base + "cond_denoised").isLessThanOrEqualTo(tolerance);
                assertThat(u).as(base + "uncond_denoised").isLessThanOrEqualTo(tolerance);
            }
        }
    }
}
