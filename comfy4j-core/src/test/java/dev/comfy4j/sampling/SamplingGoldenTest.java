package dev.comfy4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.engine.SharedFiles;
import dev.comfy4j.model.ArchitectureDetector;
import dev.comfy4j.model.ModelArchitecture;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.SafetensorsFile;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.unet.DiffusionModel;
import dev.comfy4j.model.unet.ModelSamplingDiscrete;
import dev.comfy4j.model.unet.UNetModel;
import dev.comfy4j.model.unet.WeightStorage;
import dev.comfy4j.model.vae.AutoencoderKL;
import dev.comfy4j.model.vae.Vae;
import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.support.TestCheckpoints;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Noise;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Complete KSampler runs of ComfyUI's default workflow (shared/golden/numeric/sampling.safetensors) on
 * the random SD1.5 checkpoint: the final latent and its VAEDecode image within rel-L2 2e-4. The CLIP
 * conditionings are the golden ones (clip.safetensors), so only sampling, the UNet and the VAE are tested.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SamplingGoldenTest {
    private static final double TOLERANCE = 2e-4;

    private StateDict checkpoint;
    private DiffusionModel model;
    private Vae vae;
    private SafetensorsFile sampling;
    private SafetensorsFile clip;
    private final Map<String, JsonNode> manifest = new HashMap<>();

    @BeforeAll
    void load() throws Exception {
        var samplingFile = SharedFiles.require("golden/numeric/sampling.safetensors");
        var clipFile = SharedFiles.require("golden/numeric/clip.safetensors");
        for (JsonNode e : SharedFiles.json("golden/numeric/manifest.json").get("entries")) manifest.put(e.get("key").asText(), e);
        var path = TestCheckpoints.requireSd15();
        sampling = SafetensorsFile.open(samplingFile);
        clip = SafetensorsFile.open(clipFile);
        checkpoint = ModelFiles.loadStateDict(path);
        ModelArchitecture arch = ArchitectureDetector.detect(checkpoint);
        UNetModel unet = UNetModel.load(checkpoint, arch.unetPrefix(), arch.unet(), WeightStorage.COPY, Device.CPU);
        model = new DiffusionModel(unet, ModelSamplingDiscrete.of(arch.prediction()), arch.family());
        vae = new Vae(AutoencoderKL.fromStateDict(checkpoint, AutoencoderKL.CHECKPOINT_PREFIX));
    }

    @AfterAll
    void close() throws Exception {
        if (model != null) model.close();
        if (vae != null) vae.close();
        if (checkpoint != null) checkpoint.close();
        if (sampling != null) sampling.close();
        if (clip != null) clip.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"euler_normal", "euler_ancestral_normal", "dpmpp_2m_karras", "heun_normal", "ddim_ddim_uniform",
            "uni_pc_simple", "lcm_sgm_uniform", "img2img_euler_normal_d06", "dpmpp_2m_sde_karras"})
    void theFinalLatentAndImageMatchComfyUI(String run) {
        JsonNode params = manifest.get("sampling/" + run + "/latent").get("params");
        String samplerName = params.get("sampler_name").asText();
        long seed = params.get("seed").asLong();
        try (TensorScope ignored = TensorScope.open()) {
            Tensor latent = sampling.tensors().containsKey("sampling/" + run + "/input/latent")
                    ? sampling.tensor("sampling/" + run + "/input/latent")
                    : Tensor.zeros(DType.F32, 1, 4, 8, 8);
            Tensor noise = Noise.prepare(seed, latent.shape(), null);
            assertThat(RelativeL2.of(noise, sampling.tensor("sampling/" + run + "/noise"))).as(run + " noise").isZero();
            Tensor out;
            try (GuidedModel guided = new DiffusionGuidedModel(model, () -> {}); SamplingContext context = SamplingContext.of(seed)) {
                float[] sigmas = SigmaSelection.forDenoise(guided.modelSampling(), samplerName,
                        Schedulers.byName(params.get("scheduler").asText()), params.get("steps").asInt(),
                        params.get("denoise").asDouble());
                Denoiser denoiser = guided.guided(clip.tensor(params.get("positive_cond").asText()),
                        clip.tensor(params.get("negative_cond").asText()), params.get("cfg").asDouble());
                out = KSamplerPipeline.sample(denoiser, guided.modelSampling(), Samplers.byName(samplerName), sigmas, latent,
                        noise, null, guided.latentScaleFactor(), context);
            }
            double latentError = RelativeL2.of(out, sampling.tensor("sampling/" + run + "/latent"));
            double imageError = RelativeL2.of(vae.decode(out), sampling.tensor("sampling/" + run + "/image"));
            System.out.printf("%s: latent rel-L2 %.3g, image rel-L2 %.3g%n", run, latentError, imageError);
            assertThat(latentError).as(run + " latent").isLessThanOrEqualTo(TOLERANCE);
            assertThat(imageError).as(run + " image").isLessThanOrEqualTo(TOLERANCE);
        }
    }
}
