package dev.comfy4j.model.upscale;

import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Interpolation;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.List;

/**
 * Real-ESRGAN's compact network ({@code SRVGGNetCompact}, spandrel's "Compact"): convolutions each followed
 * by a per-channel PReLU, a last convolution to {@code out * scale^2} channels, a pixel shuffle, and the
 * nearest-upsampled input added so that the network learns the residual.
 */
final class SrvggCompact implements UpscaleNetwork {
    private final List<Conv> convs;
    /** One PReLU weight per convolution but the last. */
    private final List<Tensor> prelus;
    private final int scale;

    SrvggCompact(List<Conv> convs, List<Tensor> prelus, int scale) {
        if (prelus.size() != convs.size() - 1) throw new IllegalArgumentException("one PReLU per convolution but the last");
        this.convs = List.copyOf(convs);
        this.prelus = List.copyOf(prelus);
        this.scale = scale;
    }

    @Override
    public Tensor forward(Tensor x, Runnable betweenLayers) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor out = x;
            for (int i = 0; i < convs.size(); i++) {
                Tensor next = convs.get(i).apply(out);
                if (out != x) out.close();
                if (i < prelus.size()) {
                    Tensor activated = Functional.prelu(next, prelus.get(i));
                    next.close();
                    next = activated;
                }
                out = next;
                betweenLayers.run();
            }
            Tensor shuffled = Functional.pixelShuffle(out, scale);
            out.close();
            try (Tensor base = Functional.interpolate(x, x.size(2) * scale, x.size(3) * scale, Interpolation.NEAREST, false)) {
                shuffled.add_(base);
            }
            return scope.keep(shuffled);
        }
    }

    @Override
    public long byteSize() {
        long n = 0;
        for (Conv c : convs) n += c.weight().nbytes() + (c.bias() == null ? 0 : c.bias().nbytes());
        for (Tensor p : prelus) n += p.nbytes();
        return n;
    }

    @Override
    public void close() {
        convs.forEach(Conv::close);
        prelus.forEach(Tensor::close);
    }
}
