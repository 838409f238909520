package dev.comfy4j.nodes.sampling;

import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.python.PyError;
import dev.comfy4j.sampling.DiffusionGuidedModel;
import dev.comfy4j.sampling.GuidedModel;
import dev.comfy4j.sampling.DiscreteModelSampling;
import dev.comfy4j.sampling.ModelSampling;
import dev.comfy4j.sampling.ParameterisedModelSampling;
import dev.comfy4j.model.unet.ModelSamplingDiscrete;

/** Opens a MODEL input (a {@link ModelHandle}) for one sampler run: the model lease lasts until the run closes it. */
public final class ModelHandles implements SamplingModels {
    @Override
    public GuidedModel open(Object model) throws Exception {
        ModelHandle handle = handle(model);
        var lease = handle.acquire();
        try {
            return new DiffusionGuidedModel(lease.model().get(), lease, handle.options());
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /** The noise levels of the checkpoint's prediction type, without loading its weights. */
    @Override
    public ModelSampling modelSampling(Object model) {
        if (handle(model).options().modelSampling() != null) {
            return new ParameterisedModelSampling(handle(model).options().modelSampling());
        }
        var discrete = ModelSamplingDiscrete.of(handle(model).architecture().prediction());
        return DiscreteModelSampling.of(discrete.sigmas(), discrete.logSigmas());
    }

    private static ModelHandle handle(Object model) {
        if (!(model instanceof ModelHandle handle)) {
            throw PyError.typeError("model must be a MODEL, not " + (model == null ? "None" : model.getClass().getSimpleName()));
        }
        return handle;
    }
}
