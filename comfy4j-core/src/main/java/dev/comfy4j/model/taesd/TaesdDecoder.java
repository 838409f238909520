package dev.comfy4j.model.taesd;

import dev.comfy4j.model.ModelFileException;
import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Interpolation;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Tiny AutoEncoder's decoder (TAESD, ComfyUI's {@code comfy/taesd/taesd.py} {@code Decoder}), which
 * ComfyUI uses for sampler previews: a clamp ({@code tanh(x / 3) * 3}), a 3x3 convolution to 64
 * channels, then three times three residual blocks followed by a nearest 2x upsample and a bias-free
 * 3x3 convolution, one more block and a 3x3 convolution to RGB. Its input is a latent in model space
 * (already times the scale factor); {@link #decode} returns the image in -1..1 as
 * {@code TAESD.decode} does. The weights are float32 copies owned by this object.
 */
public final class TaesdDecoder implements AutoCloseable {
    /**
     * The layers of the {@code nn.Sequential}, by index: {@code C} convolution (3x3, with bias when the
     * file has one), {@code B} block, {@code U} upsample, {@code R} ReLU, {@code T} the tanh clamp.
     */
    private static final String LAYERS = "TCRBBBUCBBBUCBBBUCBC";

    private final Map<String, Tensor> weights;

    private TaesdDecoder(Map<String, Tensor> weights) {
        this.weights = weights;
    }

    /** Reads a {@code taesd_decoder.*} file (safetensors or a torch zip checkpoint). */
    public static TaesdDecoder load(Path path) throws ModelFileException {
        try (StateDict sd = ModelFiles.loadStateDict(path)) {
            return fromStateDict(sd, path);
        }
    }

    static TaesdDecoder fromStateDict(StateDict sd, Path path) throws ModelFileException {
        Map<String, Tensor> copies = new HashMap<>();
        try (TensorScope ignored = TensorScope.open()) {
            for (int i = 0; i < LAYERS.length(); i++) {
                List<String> names = switch (LAYERS.charAt(i)) {
                    case 'C' -> sd.contains(i + ".bias") ? List.of(i + ".weight", i + ".bias") : List.of(i + ".weight");
                    case 'B' -> List.of(i + ".conv.0.weight", i + ".conv.0.bias", i + ".conv.2.weight", i + ".conv.2.bias",
                            i + ".conv.4.weight", i + ".conv.4.bias");
                    default -> List.of();
                };
                for (String name : names) {
                    if (!sd.contains(name)) throw new ModelFileException(path, "is not a TAESD decoder: it has no " + name);
                    copies.put(name, sd.get(name).to(DType.F32).contiguous().clone().escapeScope());
                }
            }
        } catch (ModelFileException | RuntimeException e) {
            copies.values().forEach(Tensor::close);
            throw e;
        }
        return new TaesdDecoder(copies);
    }

    /**
     * @param latent [B, C, h, w] in model space
     * @return [B, 3, 8h, 8w], float32, in -1..1 (before clamping), in the caller's scope
     */
    public Tensor decode(Tensor latent) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = latent.to(DType.F32);
            for (int i = 0; i < LAYERS.length(); i++) {
                x = switch (LAYERS.charAt(i)) {
                    case 'T' -> x.div(3.0).tanh().mul(3.0);
                    case 'R' -> x.relu();
                    case 'U' -> Functional.interpolate(x, x.size(2) * 2, x.size(3) * 2, Interpolation.NEAREST, false);
                    case 'C' -> conv(x, i + "");
                    case 'B' -> block(x, i);
                    default -> throw new IllegalStateException("unknown layer " + LAYERS.charAt(i));
                };
            }
            // TAESD.decode: x_sample.sub(0.5).mul(2)
            return scope.keep(x.sub(0.5).mul(2.0));
        }
    }

    /** {@code Block}: relu(conv(relu(conv(relu(conv(x))))) + x); 64 to 64 channels, so the skip is the identity. */
    private Tensor block(Tensor x, int index) {
        Tensor h = conv(x, index + ".conv.0").relu();
        h = conv(h, index + ".conv.2").relu();
        h = conv(h, index + ".conv.4");
        return h.add(x).relu();
    }

    private Tensor conv(Tensor x, String prefix) {
        Tensor w = weights.get(prefix + ".weight");
        long padding = w.size(2) / 2;
        return Functional.conv2d(x, w, weights.get(prefix + ".bias"), 1, padding);
    }

    @Override
    public void close() {
        new ArrayList<>(weights.values()).forEach(Tensor::close);
        weights.clear();
    }
}
