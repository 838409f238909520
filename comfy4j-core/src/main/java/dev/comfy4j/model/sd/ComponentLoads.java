package dev.comfy4j.model.sd;

import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.ModelManager.LoadedStateDict;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.model.patch.PatchableComponent;
import dev.comfy4j.model.patch.WeightPatches;
import dev.comfy4j.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one component of a model file through the {@link ModelManager}, and says so in the log with
 * the time it took and its size, as ComfyUI reports its loads.
 *
 * <p>The file itself is opened (memory-mapped) once through {@link ModelManager#checkpoint}, and each
 * component built from it holds a lease on it for as long as the component is loaded: a UNet, a text
 * encoder and a VAE of one checkpoint share one mapping, and weights used in place stay valid.
 */
final class ComponentLoads {
    private static final Logger LOG = LoggerFactory.getLogger(ComponentLoads.class);

    /** Builds a component from the weights of a file (all of it: the builder picks its prefix). */
    @FunctionalInterface
    interface Builder<T extends AutoCloseable> {
        T build(StateDict weights) throws Exception;
    }

    private ComponentLoads() {}

    /**
     * The component {@code kind} of {@code file}, whose weights are the keys under {@code prefix},
     * built by {@code builder} when the manager does not hold it already. {@code computeBytesPerStored}
     * is how many bytes the component holds per stored byte (1 when weights are used in place, 2 when
     * fp16 weights are widened to fp32 once), for the manager's memory budget.
     */
    static <T extends AutoCloseable> ModelManager.Lease<LoadedComponent<T>> acquire(ModelManager manager, String kind,
            Path file, String prefix, double computeBytesPerStored, Builder<T> builder) throws Exception {
        return acquire(manager, kind, file, prefix, computeBytesPerStored, null, builder);
    }

    /**
     * As {@link #acquire(ModelManager, String, Path, String, double, Builder)}, with the weights patched
     * by the patches of {@code patched} (null for none) before the component is built. A patched
     * component is loaded beside the unpatched one and shares every weight it does not patch. The builder
     * sees the weights through {@code patched}'s {@link PatchableComponent#weightsView} (under its names).
     */
    static <T extends AutoCloseable> ModelManager.Lease<LoadedComponent<T>> acquire(ModelManager manager, String kind,
            Path file, String prefix, double computeBytesPerStored, PatchableComponent patched, Builder<T> builder)
            throws Exception {
        WeightPatches patches = patched == null ? WeightPatches.NONE : patched.patches();
        String key = kind + ":" + file.toAbsolutePath().normalize() + "#" + prefix
                + (patches.isEmpty() ? "" : "+" + patches.cacheKey());
        return manager.acquire(key, 0, () -> {
            long start = System.nanoTime();
            ModelManager.Lease<LoadedStateDict> weights = manager.checkpoint(file);
            StateDict view = null;
            StateDict overlay = null;
            try {
                StateDict sd = weights.model().stateDict();
                // the keys that are this component's: those under its prefix, or all of a view of it alone
                String ownKeys = prefix;
                if (patched != null) {
                    view = patched.weightsView(sd);
                    sd = view;
                    if (patched.viewHoldsThisComponentOnly()) ownKeys = "";
                }
                if (!patches.isEmpty()) {
                    overlay = patches.applyTo(sd, patched);
                    sd = overlay;
                }
                T component = builder.build(sd);
                long bytes = (long) (storedBytes(sd, ownKeys) * computeBytesPerStored);
                LOG.info("Loaded {} from {} in {} s ({} MB)", kind, file.getFileName(),
                        String.format("%.2f", (System.nanoTime() - start) / 1e9), bytes >> 20);
                List<AutoCloseable> owned = new ArrayList<>();
                if (overlay != null) owned.add(overlay);
                if (view != null) owned.add(view);
                owned.add(weights);
                StateDict built = sd;
                String own = ownKeys;
                Runnable pageRelease = () -> built.tensors().forEach((name, t) -> {
                    if (name.startsWith(own)) built.releasePages(t);
                });
                return new LoadedComponent<>(component, bytes, pageRelease, owned.toArray(AutoCloseable[]::new));
            } catch (Exception | Error e) {
                if (overlay != null) overlay.close();
                if (view != null) view.close();
                weights.close();
                throw e;
            }
        });
    }

    static long storedBytes(StateDict sd, String prefix) {
        long n = 0;
        for (Map.Entry<String, Tensor> e : sd.tensors().entrySet()) {
            if (e.getKey().startsWith(prefix)) n += e.getValue().nbytes();
        }
        return n;
    }
}
