package dev.comfy4j.sampling.control;

import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.UnetConfig;
import dev.comfy4j.model.sd.ControlNetHandle;
import dev.comfy4j.model.sd.LoadedComponent;
import dev.comfy4j.model.unet.Control;
import dev.comfy4j.model.unet.ControlNetwork;
import dev.comfy4j.model.unet.ModelSamplingDiscrete;
import dev.comfy4j.python.PyError;
import dev.comfy4j.sampling.CondResolver;
import dev.comfy4j.sampling.ModelSampling;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ControlNet chains of one sampler run ({@code pre_run_control}): each distinct {@link ControlSpec} object
 * becomes one {@link ControlRun} whose network is loaded (leased) for the run, whose percent range becomes
 * sigmas ({@code percent_to_sigma}), and whose network is checked against the UNet it steers. Closing this
 * closes every run (hints, adapter features, leases).
 */
public final class ControlRuns implements AutoCloseable {
    private final ModelSamplingDiscrete modelSampling;
    private final ModelSampling sigmas;
    private final UnetConfig unet;
    private final Map<ControlSpec, ControlRun> opened = new IdentityHashMap<>();
    private final List<ControlRun> order = new ArrayList<>();

    /**
     * @param modelSampling the model's input scaling and timesteps
     * @param sigmas its noise levels, for the percent ranges
     * @param unet the configuration of the UNet the controls steer
     */
    public ControlRuns(ModelSamplingDiscrete modelSampling, ModelSampling sigmas, UnetConfig unet) {
        this.modelSampling = modelSampling;
        this.sigmas = sigmas;
        this.unet = unet;
    }

    /** The run of {@code spec} (and of the links before it), opened once per spec object. */
    public Control open(ControlSpec spec) {
        try {
            return run(spec);
        } catch (PyError e) {
            throw e;
        } catch (Exception e) {
            throw new PyError("RuntimeError", "ERROR: could not load the ControlNet " + spec.controlNet().name() + ": "
                    + e.getMessage(), e);
        }
    }

    private ControlRun run(ControlSpec spec) throws Exception {
        if (spec == null) return null;
        ControlRun done = opened.get(spec);
        if (done != null) return done;
        ControlRun previous = run(spec.previous());
        ControlNetHandle handle = spec.controlNet();
        ModelManager.Lease<LoadedComponent<ControlNetHandle.Loaded>> lease = handle.acquire();
        ControlRun r;
        try {
            ControlNetwork network = lease.model().get().network();
            String mismatch = network.mismatch(unet);
            if (mismatch != null) {
                throw new PyError("RuntimeError", "ERROR: the ControlNet " + handle.name() + " (" + handle.format().describe()
                        + ") does not fit this model: " + mismatch + ". Is it made for another architecture?");
            }
            r = new ControlRun(network, lease, spec.image(), spec.strength(), CondResolver.percentToSigma(sigmas, spec.startPercent()),
                    CondResolver.percentToSigma(sigmas, spec.endPercent()), handle.globalAveragePooling(), modelSampling, previous);
        } catch (Exception | Error e) {
            lease.close();
            throw e;
        }
        opened.put(spec, r);
        order.add(r);
        return r;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (ControlRun r : order) {
            try {
                r.close();
            } catch (Exception e) {
                if (failure == null) failure = new IllegalStateException("releasing a ControlNet failed: " + e.getMessage(), e);
            }
        }
        order.clear();
        opened.clear();
        if (failure != null) throw failure;
    }
}
