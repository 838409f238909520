package dev.comfy4j.model.sd;

import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.control.ControlNetFormat;
import dev.comfy4j.model.unet.ControlNetModel;
import dev.comfy4j.model.unet.ControlNetwork;
import dev.comfy4j.model.unet.T2iAdapter;
import dev.comfy4j.model.unet.WeightStorage;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ComfyUI's CONTROL_NET value as the loaders return it: a ControlNet or T2I-Adapter file of a detected
 * {@code format}, loaded when a sampler first runs it. A diff ControlNet loaded for a MODEL
 * ({@code diffBase}) gets the model's UNet weights added to its own, as ComfyUI's loader does.
 *
 * @param globalAveragePooling ComfyUI's {@code global_average_pooling} (files named {@code *_shuffle}):
 *     each output is replaced by its spatial mean
 */
public record ControlNetHandle(ModelManager manager, Path file, ControlNetFormat format, Supplier<Device> device,
                              ModelHandle diffBase, boolean globalAveragePooling) {
    private static final Logger LOG = LoggerFactory.getLogger(ControlNetHandle.class);
    /** fp16 weights stay memory-mapped and are widened per layer, as the UNet's ({@link ModelHandle}). */
    private static final WeightStorage STORAGE = WeightStorage.CAST_PER_CALL;

    /** The loaded network and what it owns besides the file mapping (a diff ControlNet's summed weights). */
    public record Loaded(ControlNetwork network, List<AutoCloseable> alsoOwned) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            network.close();
            for (AutoCloseable c : alsoOwned) c.close();
        }
    }

    /** The network, for the duration of one sampler run. */
    public ModelManager.Lease<LoadedComponent<Loaded>> acquire() throws Exception {
        boolean diff = format instanceof ControlNetFormat.ControlNet c && c.difference() && diffBase != null;
        String kind = "CONTROL_NET" + (diff ? "(diff for " + diffBase.weightsIdentity() + ")" : "");
        return ComponentLoads.acquire(manager, kind, file, "", diff ? 2.0 : 1.0, sd -> build(sd, diff));
    }

    private Loaded build(StateDict fileWeights, boolean diff) throws Exception {
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            StateDict weights = fileWeights;
            if (diff) {
                StateDict summed = withBaseAdded(fileWeights);
                owned.add(summed);
                weights = summed;
            } else if (format instanceof ControlNetFormat.ControlNet c && c.difference()) {
                LOG.warn("WARNING: Loaded a diff controlnet without a model. It will very likely not work.");
            }
            StateDict named = StateDict.renamed(weights, format.names());
            ControlNetwork network = switch (format) {
                case ControlNetFormat.ControlNet c -> ControlNetModel.load(named, "", c.config(), c.hintChannels(), STORAGE, device.get());
                case ControlNetFormat.T2i t -> T2iAdapter.load(named, t.kind(), t.cin(), t.channels(), t.ksize(), t.useConv(), device.get());
            };
            return new Loaded(network, owned);
        } catch (Exception | Error e) {
            for (AutoCloseable c : owned) c.close();
            throw e;
        }
    }

    /**
     * ComfyUI's diff ControlNet: each {@code control_model.K} of the file plus the model's
     * {@code diffusion_model.K} (LoRA and merge patches included) cast to the file's dtype, summed in it.
     */
    private StateDict withBaseAdded(StateDict fileWeights) throws Exception {
        try (var base = manager.checkpoint(diffBase.file()); StateDict unet = diffBase.weightsView(base.model().stateDict())) {
            StateDict patched = null;
            try {
                if (!diffBase.patches().isEmpty()) patched = diffBase.patches().applyTo(unet, diffBase);
                StateDict model = patched == null ? unet : patched;
                Map<String, Tensor> sums = new LinkedHashMap<>();
                try (TensorScope scope = TensorScope.open()) {
                    for (String key : fileWeights.keys()) {
                        if (!key.startsWith("control_model.")) continue;
                        Tensor b = model.get(diffBase.prefix() + key.substring("control_model.".length()));
                        if (b == null) continue;
                        Tensor d = fileWeights.get(key);
                        if (!java.util.Arrays.equals(b.shape(), d.shape())) {
                            throw new IllegalArgumentException("the diff ControlNet weight " + key + " has shape "
                                    + java.util.Arrays.toString(d.shape()) + ", the model's " + java.util.Arrays.toString(b.shape()));
                        }
                        sums.put(key, scope.keep(d.add(b.to(d.dtype()))));
                    }
                }
                return StateDict.overlay(fileWeights, sums);
            } finally {
                if (patched != null) patched.close();
            }
        }
    }

    /** The file's name, for messages. */
    public String name() {
        return file.getFileName().toString();
    }

    @Override
    public String toString() {
        return "CONTROL_NET[" + file.getFileName() + ", " + format.describe() + "]";
    }
}
