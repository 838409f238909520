package dev.comfy4j.sampling;

import dev.comfy4j.model.LatentFormat;
import dev.comfy4j.model.unet.AreaCond;
import dev.comfy4j.model.unet.CfgDenoiser;
import dev.comfy4j.model.options.DenoiseMaskFunction;
import dev.comfy4j.model.options.ModelOptions;
import dev.comfy4j.model.options.RunState;
import dev.comfy4j.model.unet.DiffusionModel;
import dev.comfy4j.sampling.control.ControlRuns;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;

/**
 * A loaded {@link DiffusionModel} as the sampling pipeline uses it: its sigma table, its family's latent
 * format, its extra embedding y (SDXL) built per entry, and ComfyUI's classifier-free guidance through {@link CfgDenoiser} (conditioning entries resolved by
 * {@link CondResolver}) with the sigma as a float32
 * value per batch element (as {@code sigmas[i] * s_in}).
 */
public final class DiffusionGuidedModel implements GuidedModel {
    private final DiffusionModel model;
    private final AutoCloseable release;
    private final ModelSampling sampling;
    private final CfgDenoiser cfgDenoiser = new CfgDenoiser();
    private final ModelOptions options;
    private final List<RunState> runs = new java.util.ArrayList<>();
    private final List<ControlRuns> controlRuns = new java.util.ArrayList<>();

    /** @param release what to close when the run ends (the model lease), or a no-op */
    public DiffusionGuidedModel(DiffusionModel model, AutoCloseable release) {
        this(model, release, ModelOptions.NONE);
    }

    /** Under the MODEL's {@code options} (CFG functions, replaced model sampling, UNet patches). */
    public DiffusionGuidedModel(DiffusionModel model, AutoCloseable release, ModelOptions options) {
        this.model = model;
        this.release = release;
        this.options = options;
        this.sampling = options.modelSampling() != null ? new ParameterisedModelSampling(options.modelSampling())
                : DiscreteModelSampling.of(model.modelSampling().sigmas(), model.modelSampling().logSigmas());
    }

    @Override
    public MaskSchedule maskSchedule() {
        DenoiseMaskFunction f = options.denoiseMaskFunction();
        if (f == null) return null;
        var parameterisation = model.parameterisation(options);
        return (sigma, mask, sigmas) -> f.apply(sigma, mask, new DenoiseMaskFunction.Context(sigmas, parameterisation));
    }

    @Override
    public ModelSampling modelSampling() {
        return sampling;
    }

    @Override
    public LatentFormat latentFormat() {
        return model.latentFormat();
    }

    @Override
    public Denoiser guided(Tensor positiveContext, Tensor negativeContext, double cfg) {
        return denoiser(List.of(AreaCond.whole(positiveContext)), List.of(AreaCond.whole(negativeContext)), cfg);
    }

    @Override
    public Denoiser guided(List<SamplingCond> positive, List<SamplingCond> negative, double cfg, long[] latentShape) {
        CondResolver.Resolved conds = CondResolver.resolve(positive, negative, latentShape[2], latentShape[3], sampling,
                controlsOfThisRun()::open, model.admEncoder());
        return denoiser(conds.positive(), conds.negative(), cfg);
    }

    @Override
    public CondPredictions condPredictions(List<List<SamplingCond>> sides, long[] latentShape) {
        List<List<AreaCond>> resolved = CondResolver.resolveAll(sides, latentShape[2], latentShape[3], sampling,
                controlsOfThisRun()::open, model.admEncoder());
        return (x, sigma, order) -> {
            List<List<AreaCond>> conds = new ArrayList<>();
            for (int i : order) conds.add(i < 0 ? null : resolved.get(i));
            try (TensorScope scope = TensorScope.open()) {
                List<Tensor> out = new ArrayList<>(cfgDenoiser.calcCondBatch(model, conds, x, Tensor.full(sigma, DType.F32, x.size(0)),
                        options));
                for (int i = 0; i < out.size(); i++) out.set(i, scope.keep(out.get(i) == null ? Tensor.zeros(DType.F32, x.shape()) : out.get(i)));
                return out;
            }
        };
    }

    /** The ControlNets of the entries, loaded for the run and closed with it. */
    private ControlRuns controlsOfThisRun() {
        ControlRuns controls = new ControlRuns(model.modelSampling(), sampling, model.unet().config());
        controlRuns.add(controls);
        return controls;
    }

    private Denoiser denoiser(List<AreaCond> positive, List<AreaCond> negative, double cfg) {
        RunState run = new RunState();
        runs.add(run);
        return new Denoiser() {
            @Override
            public Tensor denoise(Tensor x, double sigma) {
                try (TensorScope scope = TensorScope.open()) {
                    Tensor s = Tensor.full(sigma, DType.F32, x.size(0));
                    CfgDenoiser.Result r = cfgDenoiser.guide(model, x, s, positive, negative, cfg, true, options, run);
                    return scope.keep(r.denoised());
                }
            }

            /** CFG++: the negative runs even at cfg 1 ({@code disable_cfg1_optimization}); an absent negative predicts 0. */
            @Override
            public Guided denoiseGuided(Tensor x, double sigma) {
                try (TensorScope scope = TensorScope.open()) {
                    Tensor s = Tensor.full(sigma, DType.F32, x.size(0));
                    CfgDenoiser.Result r = cfgDenoiser.guide(model, x, s, positive, negative, cfg, false, options, run);
                    r.condDenoised().close();
                    Tensor uncond = r.uncondDenoised() != null ? r.uncondDenoised() : Tensor.zeros(DType.F32, x.shape());
                    return new Guided(scope.keep(r.denoised()), scope.keep(uncond));
                }
            }
        };
    }

    @Override
    public void close() {
        runs.forEach(RunState::close);
        runs.clear();
        try (AutoCloseable ignored = release) {
            for (ControlRuns c : controlRuns) c.close();
            controlRuns.clear();
        } catch (Exception e) {
            throw new IllegalStateException("releasing the model failed: " + e.getMessage(), e);
        }
    }
}
