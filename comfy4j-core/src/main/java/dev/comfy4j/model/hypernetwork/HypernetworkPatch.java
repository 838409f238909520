package dev.comfy4j.model.hypernetwork;

import dev.comfy4j.model.ModelManager;
import dev.comfy4j.model.options.AttentionPatch;
import dev.comfy4j.model.options.TransformerOptions;
import dev.comfy4j.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * ComfyUI's {@code hypernetwork_patch}, set as both {@code attn1_patch} and {@code attn2_patch}: the
 * attention's key and value inputs gain {@code mlp(k) * strength} and {@code mlp(v) * strength} where the
 * hypernetwork has MLPs for their width. A record of the file and strength, so equal patches make equal
 * MODELs; the network itself is loaded once through the {@link ModelManager} and leased per call.
 */
public record HypernetworkPatch(ModelManager models, Path file, double strength) implements AttentionPatch.Input {
    @Override
    public AttentionPatch.QueryContextValue apply(Tensor n, Tensor context, Tensor value, TransformerOptions options) {
        try (ModelManager.Lease<Hypernetwork> lease = models.acquire("HYPERNETWORK:" + file, Files.size(file) * 2,
                () -> Hypernetwork.read(file))) {
            Hypernetwork.Qkv patched = lease.model().apply(n, context, value, strength);
            return new AttentionPatch.QueryContextValue(patched.q(), patched.k(), patched.v());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the hypernetwork " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }
}
