package dev.comfy4j.nodes.modelpatch;

import dev.comfy4j.model.options.ModelOptions;
import dev.comfy4j.model.sd.ModelHandle;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.Tensor;
import java.util.function.UnaryOperator;

/** What every model-patch node does: clone the MODEL input with changed options. */
final class ModelPatches {
    private ModelPatches() {}

    static ModelHandle model(NodeInputs in) {
        Object value = in.get("model");
        if (!(value instanceof ModelHandle handle)) {
            throw PyError.typeError("model must be a MODEL, not " + (value == null ? "None" : value.getClass().getSimpleName()));
        }
        return handle;
    }

    /** {@code m = model.clone(); change(m.model_options); return (m,)}. */
    static NodeResult patched(NodeInputs in, UnaryOperator<ModelOptions> change) {
        ModelHandle model = model(in);
        return NodeResult.of(model.withOptions(change.apply(model.options())));
    }

    /** sigma [B] as [B, 1, 1, ...] over {@code like}. */
    static Tensor perSample(Tensor sigma, Tensor like) {
        long[] shape = new long[like.dim()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = sigma.numel();
        return sigma.to(like.dtype()).reshape(shape);
    }

    /** Dims 1..n-1 of {@code t} (every dim but the batch). */
    static long[] nonBatchDims(Tensor t) {
        long[] dims = new long[t.dim() - 1];
        for (int i = 0; i < dims.length; i++) dims[i] = i + 1;
        return dims;
    }
}
