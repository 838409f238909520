package dev.comfy4j.model.upscale;

import dev.comfy4j.model.LoadedModel;
import dev.comfy4j.tensor.Device;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.Arrays;

/**
 * A loaded upscale model, as spandrel's {@code ImageModelDescriptor}: the network, its scale, channels and
 * size requirements, and the call ComfyUI makes per tile ({@link #upscale}). Owns the weights (float32 on
 * {@link #device()}); the {@link dev.comfy4j.model.ModelManager} keeps it. Not thread-safe while closing.
 *
 * @param architecture spandrel's id ({@code ESRGAN}, {@code Compact})
 * @param description the variant and sizes, for logs ({@code "new layout, 23 blocks, 64 features"})
 * @param scale output pixels per input pixel along each side
 * @param minimumSize the smallest side the network takes (smaller inputs are padded)
 * @param multipleOf each side is padded up to a multiple of this
 */
public record UpscaleModel(String architecture, String description, int scale, int inputChannels, int outputChannels,
                           int minimumSize, int multipleOf, Device device, UpscaleNetwork network) implements LoadedModel {

    /**
     * spandrel's {@code ImageModelDescriptor.__call__}: pads [B, C, H, W] to the size requirements (reflect,
     * then replicate where reflection runs out), runs the network, clamps to [0, 1] and crops the padding
     * off. The input may sit on any device; the result is on {@link #device()}.
     */
    public Tensor upscale(Tensor image) {
        return upscale(image, () -> {});
    }

    /** {@link #upscale(Tensor)} with {@code betweenLayers} run between the network's main layers (an interrupt check). */
    public Tensor upscale(Tensor image, Runnable betweenLayers) {
        long[] s = image.shape();
        if (s.length != 4) throw new IllegalArgumentException("Expected image tensor to have 4 dimensions, but got " + Arrays.toString(s));
        if (s[1] != inputChannels) {
            throw new IllegalArgumentException("the upscale model takes images of " + inputChannels + " channels, not " + s[1]);
        }
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = image.to(device);
            long padW = padding(s[3]), padH = padding(s[2]);
            if (padW > 0 || padH > 0) {
                long reflectW = Math.min(padW, s[3] - 1), reflectH = Math.min(padH, s[2] - 1);
                if (reflectW > 0 || reflectH > 0) x = Functional.pad(x, new long[] {0, reflectW, 0, reflectH}, "reflect");
                if (padW > reflectW || padH > reflectH) {
                    x = Functional.pad(x, new long[] {0, padW - reflectW, 0, padH - reflectH}, "replicate");
                }
            }
            Tensor out = network.forward(x, betweenLayers).clamp_(0, 1);
            if (padW > 0 || padH > 0) out = out.narrow(2, 0, s[2] * scale).narrow(3, 0, s[3] * scale).contiguous();
            return scope.keep(out);
        }
    }

    /** spandrel's {@code SizeRequirements.get_padding} for one side. */
    private long padding(long size) {
        long padded = Math.max(minimumSize, size);
        if (padded % multipleOf != 0) padded = (padded / multipleOf + 1) * multipleOf;
        return padded - size;
    }

    @Override
    public long byteSize() {
        return network.byteSize();
    }

    @Override
    public void close() {
        network.close();
    }
}
