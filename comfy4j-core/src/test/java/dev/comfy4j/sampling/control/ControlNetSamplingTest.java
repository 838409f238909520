package dev.comfy4j.sampling.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.SdLayouts;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.TinyCheckpoints;
import dev.comfy4j.model.UnetConfig;
import dev.comfy4j.model.sd.Checkpoints;
import dev.comfy4j.model.sd.ControlNetHandle;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.model.options.ModelOptions;
import dev.comfy4j.model.unet.ControlNetModel;
import dev.comfy4j.model.unet.ControlResiduals;
import dev.comfy4j.model.unet.DiffusionModel;
import dev.comfy4j.model.unet.T2iAdapter;
import dev.comfy4j.python.PyError;
import dev.comfy4j.sampling.CondResolver;
import dev.comfy4j.sampling.Denoiser;
import dev.comfy4j.sampling.DiffusionGuidedModel;
import dev.comfy4j.sampling.SamplingCond;
import dev.comfy4j.support.RelativeL2;
import dev.comfy4j.support.TestControlNets;
import dev.comfy4j.support.TestControlNets.ZeroConvs;
import dev.comfy4j.support.TestServices;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Noise;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ControlNets and T2I-Adapters inside the sampler's denoiser, on a tiny random SD1 checkpoint and control files
 * this test builds from its UNet: what a ControlNet changes and when it changes nothing, compared with the
 * denoiser without control or with the residuals worked out separately.
 */
class ControlNetSamplingTest {
    private static final String UNET = "model.diffusion_model.";
    @TempDir static Path dir;
    private static Checkpoints checkpoints;
    private static ModelHandle model;
    private static UnetConfig config;
    private static Path zero;
    private static Path random;
    private static Path randomDiffusers;
    private static Path other;
    private static Path diff;
    private static Path light;
    private static Path full;

    /** A ControlNet application as the apply nodes make it. */
    record Spec(ControlNetHandle controlNet, Tensor image, double strength, double startPercent, double endPercent,
                ControlSpec previous) implements ControlSpec {}

    @BeforeAll
    static void files() throws Exception {
        Path ckpt = TinyCheckpoints.writeSd15(dir.resolve("tiny.safetensors"), SdLayouts.Sizes.TINY, DType.F16, 7);
        checkpoints = TestServices.over(dir.resolve("base")).checkpoints();
        model = checkpoints.diffusionModel(ckpt);
        config = model.architecture().unet();
        try (StateDict sd = ModelFiles.loadStateDict(ckpt); TensorScope ignored = TensorScope.open()) {
            zero = write("zero.safetensors", TestControlNets.withPrefix(
                    TestControlNets.fromUnet(sd, UNET, config, ZeroConvs.ZERO, 1, DType.F16), "control_model."));
            Map<String, Tensor> r = TestControlNets.fromUnet(sd, UNET, config, ZeroConvs.RANDOM, 2, DType.F32);
            random = write("random.safetensors", TestControlNets.withPrefix(r, "control_model."));
            randomDiffusers = write("random_diffusers.safetensors", TestControlNets.toDiffusers(r, config));
            other = write("other.safetensors", TestControlNets.fromUnet(sd, UNET, config, ZeroConvs.RANDOM, 3, DType.F16));
            // a diff ControlNet: the random one minus the UNet's weights, flagged by a 'difference' key
            Map<String, Tensor> d = new java.util.LinkedHashMap<>();
            r.forEach((k, v) -> {
                Tensor base = sd.get(UNET + k);
                d.put("control_model." + k, base == null ? v : v.sub(base.to(DType.F32)));
            });
            d.put("difference", Tensor.zeros(DType.F32, 1));
            diff = write("diff.safetensors", d);
            light = write("light.safetensors", TestControlNets.t2iLight(new long[]{32, 64, 128, 128}, 4, DType.F16));
            full = write("full.safetensors", TestControlNets.t2iFull(32, 1, 1, true, 5, DType.F16));
        }
    }

    private static Path write(String name, Map<String, Tensor> tensors) throws Exception {
        Path file = dir.resolve(name);
        SafetensorsWriter.write(file, tensors, Map.of());
        return file;
    }

    @AfterAll
    static void close() {
        model.manager().unloadAll();
    }

    private static Tensor image(long seed, int height, int width) {
        return Noise.prepare(seed, new long[]{1, height, width, 3}, null).abs().clamp(0, 1);
    }

    /** The guided denoiser's output at {@code sigma} for one prompt pair, each side's entries given the control. */
    private static float[] denoise(ControlSpec positive, ControlSpec negative, double sigma) throws Exception {
        return denoise(positive, negative, sigma, 7.0);
    }

    private static float[] denoise(ControlSpec positive, ControlSpec negative, double sigma, double cfg) throws Exception {
        var lease = model.acquire();
        try (DiffusionGuidedModel guided = new DiffusionGuidedModel(lease.model().get(), lease);
                TensorScope ignored = TensorScope.open()) {
            Tensor cond = Noise.prepare(11, new long[]{1, 77, 32}, null);
            Tensor uncond = Noise.prepare(12, new long[]{1, 77, 32}, null);
            Tensor x = Noise.prepare(13, new long[]{1, 4, 8, 8}, null).mul(sigma);
            Denoiser d = guided.guided(List.of(SamplingCond.of(cond).withControl(positive)),
                    List.of(SamplingCond.of(uncond).withControl(negative)), cfg, x.shape());
            return d.denoise(x, sigma).toFloatArray();
        }
    }

    private static Spec spec(Path file, double strength) throws Exception {
        return new Spec(checkpoints.controlNet(file, null), image(21, 64, 64), strength, 0.0, 1.0, null);
    }

    @Test
    void aFreshControlNetWithZeroConvolutionsChangesNothing() throws Exception {
        Spec s = spec(zero, 1.0);
        assertThat(denoise(s, s, 3.0)).containsExactly(denoise(null, null, 3.0));
    }

    @Test
    void randomOutputsChangeThePredictionAndStrengthZeroEqualsNoControl() throws Exception {
        float[] plain = denoise(null, null, 3.0);
        Spec s = spec(random, 1.0);
        float[] controlled = denoise(s, s, 3.0);
        assertThat(RelativeL2.of(controlled, plain)).isGreaterThan(1e-2);
        Spec off = spec(random, 0.0);
        assertThat(denoise(off, off, 3.0)).containsExactly(plain);
        // on one side only, it changes the result differently
        assertThat(RelativeL2.of(denoise(s, null, 3.0), controlled)).isGreaterThan(1e-3);
    }

    @Test
    void outsideItsPercentRangeAControlNetIsOff() throws Exception {
        float[] plain = denoise(null, null, 14.0);
        ControlNetHandle net = checkpoints.controlNet(random, null);
        // the second half of the schedule: sigma 14 (near the start) is above percent_to_sigma(0.5)
        Spec late = new Spec(net, image(21, 64, 64), 1.0, 0.5, 1.0, null);
        assertThat(denoise(late, late, 14.0)).containsExactly(plain);
        Spec early = new Spec(net, image(21, 64, 64), 1.0, 0.0, 0.5, null);
        assertThat(RelativeL2.of(denoise(early, early, 14.0), plain)).isGreaterThan(1e-2);
        // and at a low sigma the early one is off
        assertThat(denoise(early, early, 0.5)).containsExactly(denoise(null, null, 0.5));
    }

    @Test
    void theDiffusersAndOriginalLayoutsOfTheSameWeightsGiveTheSameResult() throws Exception {
        ControlNetHandle diffusers = checkpoints.controlNet(randomDiffusers, null);
        assertThat(diffusers.format().describe()).contains("diffusers");
        Spec a = spec(random, 0.8);
        Spec b = new Spec(diffusers, a.image(), 0.8, 0.0, 1.0, null);
        assertThat(denoise(b, b, 3.0)).containsExactly(denoise(a, a, 3.0));
    }

    @Test
    void aDiffControlNetLoadedForTheModelEqualsTheFullOne() throws Exception {
        ControlNetHandle net = checkpoints.controlNet(diff, model);
        Spec d = new Spec(net, image(21, 64, 64), 1.0, 0.0, 1.0, null);
        Spec plain = spec(random, 1.0);
        assertThat(RelativeL2.of(denoise(d, d, 3.0), denoise(plain, plain, 3.0))).isLessThan(1e-5);
        // without the model its weights are mere differences: a different result
        Spec alone = new Spec(checkpoints.controlNet(diff, null), d.image(), 1.0, 0.0, 1.0, null);
        assertThat(RelativeL2.of(denoise(alone, alone, 3.0), denoise(plain, plain, 3.0))).isGreaterThan(1e-3);
    }

    @Test
    void twoChainedControlNetsAddTheirResidualsToTheUnet() throws Exception {
        Spec first = spec(random, 0.7);
        Spec second = new Spec(checkpoints.controlNet(other, null), image(22, 48, 80), 1.3, 0.0, 1.0, first);
        float[] chained = denoise(second, second, 3.0, 1.0);

        // Independently: both ControlNets run on their own, residuals summed by hand, then the UNet.
        double sigma = 3.0;
        var lease = model.acquire();
        try (lease; TensorScope ignored = TensorScope.open()) {
            DiffusionModel m = lease.model().get();
            Tensor cond = Noise.prepare(11, new long[]{1, 77, 32}, null);
            Tensor x = Noise.prepare(13, new long[]{1, 4, 8, 8}, null).mul(sigma);
            Tensor s = Tensor.full(sigma, DType.F32, 1);
            Tensor input = m.modelSampling().calculateInput(s, x);
            Tensor t = m.modelSampling().timestep(s).to(DType.F32);
            var leaseA = first.controlNet().acquire();
            var leaseB = second.controlNet().acquire();
            ControlNetModel.Outputs a;
            ControlNetModel.Outputs b;
            try (leaseA; leaseB) {
                a = ((ControlNetModel) leaseA.model().get().network()).forward(input, hint(first.image(), 64, 64), t, cond);
                b = ((ControlNetModel) leaseB.model().get().network()).forward(input, hint(second.image(), 64, 64), t, cond);
            }
            ControlResiduals sum = new ControlResiduals();
            sum.list(ControlResiduals.Block.MIDDLE).add(a.middle().mul(0.7).add(b.middle().mul(1.3)));
            for (int i = 0; i < a.output().size(); i++) {
                sum.list(ControlResiduals.Block.OUTPUT).add(a.output().get(i).mul(0.7).add(b.output().get(i).mul(1.3)));
            }
            float[] expected = m.applyModel(x, s, cond, sum, ModelOptions.NONE, List.of()).toFloatArray();
            assertThat(RelativeL2.of(chained, expected)).isLessThan(1e-5);
        }
        assertThat(RelativeL2.of(chained, denoise(first, first, 3.0, 1.0))).isGreaterThan(1e-3);
    }

    /** The hint as ControlRun makes it: nearest-exact with a centre crop to 8x the latent. */
    private static Tensor hint(Tensor image, int height, int width) {
        return dev.comfy4j.imaging.Resample.commonUpscale(image.permute(0, 3, 1, 2), width, height, "nearest-exact", "center");
    }

    @Test
    void t2iAdaptersFullAndLightChangeThePredictionThroughTheInputBlocks() throws Exception {
        float[] plain = denoise(null, null, 3.0);
        ControlNetHandle lightNet = checkpoints.controlNet(light, null);
        assertThat(lightNet.format()).isInstanceOf(dev.comfy4j.model.control.ControlNetFormat.T2i.class);
        Spec l = new Spec(lightNet, image(23, 64, 64), 1.0, 0.0, 1.0, null);
        assertThat(RelativeL2.of(denoise(l, l, 3.0), plain)).isGreaterThan(1e-2);
        ControlNetHandle fullNet = checkpoints.controlNet(full, null);
        assertThat(((T2iAdapter.Kind) ((dev.comfy4j.model.control.ControlNetFormat.T2i) fullNet.format()).kind()))
                .isEqualTo(T2iAdapter.Kind.FULL);
        Spec f = new Spec(fullNet, image(24, 64, 64), 1.0, 0.0, 1.0, null);
        float[] withFull = denoise(f, f, 3.0);
        assertThat(RelativeL2.of(withFull, plain)).isGreaterThan(1e-2);
        Spec off = new Spec(fullNet, f.image(), 0.0, 0.0, 1.0, null);
        assertThat(denoise(off, off, 3.0)).containsExactly(plain);
    }

    @Test
    void theAdapterAddsLevelFeaturesAfterTheLastResBlockOfEachLevel() throws Exception {
        ControlNetHandle lightNet = checkpoints.controlNet(light, null);
        var lease = lightNet.acquire();
        try (lease; TensorScope ignored = TensorScope.open()) {
            T2iAdapter adapter = (T2iAdapter) lease.model().get().network();
            List<Tensor> features = adapter.forward(image(25, 64, 64).permute(0, 3, 1, 2));
            assertThat(features).hasSize(12);
            List<String> shapes = new ArrayList<>();
            for (Tensor f : features) shapes.add(f == null ? "-" : java.util.Arrays.toString(f.shape()));
            // reversed: the UNet takes from the end, so input block 2 gets level 0 (8x8, 32 wide)
            assertThat(shapes).containsExactly("[1, 128, 1, 1]", "-", "-", "[1, 128, 2, 2]", "-", "-", "[1, 64, 4, 4]", "-", "-",
                    "[1, 32, 8, 8]", "-", "-");
        }
    }

    @Test
    void aControlNetForAnotherUnetFailsNamingItsFile() throws Exception {
        // an SD2-layout ControlNet (width 64, context 48, linear projections): its blocks do not fit this SD1 UNet
        Path sd2 = dir.resolve("sd2.safetensors");
        TinyCheckpoints.write(sd2, SdLayouts.sd2Unet(64, 48), DType.F16, 11, Map.of());
        Path wideNet;
        try (StateDict sd = ModelFiles.loadStateDict(sd2); TensorScope ignored = TensorScope.open()) {
            var arch = dev.comfy4j.model.ArchitectureDetector.detect(sd);
            wideNet = write("wide_cn.safetensors", TestControlNets.withPrefix(
                    TestControlNets.fromUnet(sd, arch.unetPrefix(), arch.unet(), ZeroConvs.RANDOM, 9, DType.F16), "control_model."));
        }
        Spec s = spec(wideNet, 1.0);
        assertThatThrownBy(() -> denoise(s, s, 3.0)).isInstanceOf(PyError.class)
                .hasMessageContaining("wide_cn.safetensors").hasMessageContaining("does not fit this model")
                .hasMessageContaining("base width 64 (the model has 32)").hasMessageContaining("context width 48 (the model has 32)");
    }

    @Test
    void broadcastImageToRepeatsTheHintPerPiece() {
        try (TensorScope ignored = TensorScope.open()) {
            Tensor hint = Tensor.fromFloats(new float[]{1, 2, 3}, 3, 1, 1, 1);
            // batch of 2 latents, cond + uncond: per piece the first 2 hints, twice
            assertThat(ControlRun.broadcastImageTo(hint, 4, 2).toFloatArray()).containsExactly(1, 2, 1, 2);
            // batch of 5 latents, one piece: the hints cycled
            assertThat(ControlRun.broadcastImageTo(hint, 5, 1).toFloatArray()).containsExactly(1, 2, 3, 1, 2);
            Tensor one = Tensor.fromFloats(new float[]{7}, 1, 1, 1, 1);
            assertThat(ControlRun.broadcastImageTo(one, 6, 2)).isSameAs(one);
        }
    }

    @Test
    void controlledStepsLeaveOnlyTheirResultAndTheRunReleasesTheControlNet() throws Exception {
        Spec s = new Spec(checkpoints.controlNet(light, null), image(26, 64, 64), 1.0, 0.0, 1.0, spec(random, 1.0));
        var lease = model.acquire();
        try (DiffusionGuidedModel guided = new DiffusionGuidedModel(lease.model().get(), lease);
                TensorScope ignored = TensorScope.open()) {
            Tensor cond = Noise.prepare(11, new long[]{1, 77, 32}, null);
            Tensor x = Noise.prepare(13, new long[]{1, 4, 8, 8}, null).mul(3.0);
            Denoiser d = guided.guided(List.of(SamplingCond.of(cond).withControl(s)), List.of(SamplingCond.of(cond).withControl(s)),
                    7.0, x.shape());
            for (int i = 0; i < 5; i++) step(d, x);
            long before = settledRss();
            int live = 0;
            for (int i = 0; i < 30; i++) live = step(d, x);
            assertThat(live).as("tensors a step leaves in its scope besides the result").isEqualTo(1);
            assertThat(settledRss() - before).as("RSS growth over 30 controlled steps").isLessThan(64L << 20);
            assertThat(controlNetLeases()).as("the two networks are leased during the run").isEqualTo(2);
        }
        assertThat(controlNetLeases()).as("and released when it ends").isZero();
    }

    private static int step(Denoiser d, Tensor x) {
        try (TensorScope scope = TensorScope.open()) {
            d.denoise(x, 3.0);
            return scope.size();
        }
    }

    private static long settledRss() {
        System.gc();
        dev.comfy4j.tensor.MemoryStats.trimNativeHeap();
        return dev.comfy4j.tensor.MemoryStats.currentRss();
    }

    private static int controlNetLeases() {
        return model.manager().loaded().stream().filter(i -> i.key().startsWith("CONTROL_NET")).mapToInt(i -> i.leases()).sum();
    }
}
