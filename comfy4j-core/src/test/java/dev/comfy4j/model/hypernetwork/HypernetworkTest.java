package dev.comfy4j.model.hypernetwork;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.comfy4j.model.ModelFileException;
import dev.comfy4j.model.TorchZipWriter;
import dev.comfy4j.model.TorchZipWriter.FloatTensor;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hypernetwork files in the A1111 layout read as ComfyUI's {@code load_hypernetwork_patch} builds them, and
 * the patch {@code k + mlp_k(k) * s, v + mlp_v(v) * s} against the MLP written out with plain loops.
 */
class HypernetworkTest {
    @TempDir Path dir;
    private final Random random = new Random(31);
    private TensorScope scope;

    @BeforeEach
    void open() {
        scope = TensorScope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private float[] gaussian(int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (random.nextGaussian() * scale);
        return v;
    }

    /** One MLP's state dict: linear dim->hidden, [norm hidden], linear hidden->dim, [norm dim]. */
    private Map<String, Object> mlp(int dim, int hidden, boolean norm) {
        Map<String, Object> sd = new LinkedHashMap<>();
        int[][] shapes = {{hidden, dim}, {dim, hidden}};
        int index = 0;
        for (int[] s : shapes) {
            sd.put("linear." + index + ".weight", new FloatTensor(gaussian(s[0] * s[1], 0.5), new long[] {s[0], s[1]}));
            sd.put("linear." + index + ".bias", new FloatTensor(gaussian(s[0], 0.1), new long[] {s[0]}));
            index++;
            if (norm) {
                sd.put("linear." + index + ".weight", new FloatTensor(gaussian(s[0], 0.3), new long[] {s[0]}));
                sd.put("linear." + index + ".bias", new FloatTensor(gaussian(s[0], 0.1), new long[] {s[0]}));
                index++;
            }
        }
        return sd;
    }

    private Path write(String activation, boolean norm, boolean activateOutput, int... dims) throws Exception {
        Map<Object, Object> file = new LinkedHashMap<>();
        for (int d : dims) file.put((long) d, List.of(mlp(d, 2 * d, norm), mlp(d, 2 * d, norm)));
        file.put("activation_func", activation);
        file.put("is_layer_norm", norm);
        file.put("use_dropout", true);
        file.put("activate_output", activateOutput);
        file.put("last_layer_dropout", false);
        file.put("name", "test");
        file.put("layer_structure", List.of(1L, 2L, 1L));
        Path path = dir.resolve(activation + norm + activateOutput + ".pt");
        TorchZipWriter.writeObject(path, file);
        this.file = file;
        return path;
    }

    private Map<Object, Object> file;

    static double activate(String name, double x) {
        return switch (name) {
            case "linear" -> x;
            case "relu" -> Math.max(0, x);
            case "leakyrelu" -> x > 0 ? x : 0.01 * x;
            case "elu" -> x > 0 ? x : Math.exp(x) - 1;
            case "swish" -> x * Math.min(Math.max(x + 3, 0), 6) / 6; // ComfyUI's torch.nn.Hardswish
            case "tanh" -> Math.tanh(x);
            case "sigmoid" -> 1 / (1 + Math.exp(-x));
            case "softsign" -> x / (1 + Math.abs(x));
            case "mish" -> x * Math.tanh(Math.log1p(Math.exp(x)));
            default -> throw new IllegalArgumentException(name);
        };
    }

    /**
     * The MLP of {@code sd} on one row, in doubles: Linear, activation, LayerNorm. The activation is left out
     * after the last entry of the state dict unless asked; with layer norms that entry is a norm, so (as in
     * ComfyUI) every linear layer is activated.
     */
    private static double[] forward(Map<?, ?> sd, double[] x, String activation, boolean norm, boolean activateOutput) {
        int entries = norm ? 4 : 2;
        int index = 0;
        double[] h = x;
        for (int l = 0; l < 2; l++) {
            boolean last = index == entries - 1;
            FloatTensor w = (FloatTensor) sd.get("linear." + index + ".weight");
            FloatTensor b = (FloatTensor) sd.get("linear." + index + ".bias");
            index++;
            int out = (int) w.shape()[0], in = (int) w.shape()[1];
            double[] y = new double[out];
            for (int o = 0; o < out; o++) {
                double s = b.values()[o];
                for (int i = 0; i < in; i++) s += w.values()[o * in + i] * h[i];
                y[o] = s;
            }
            if (!activation.equals("linear") && (!last || activateOutput)) for (int o = 0; o < out; o++) y[o] = activate(activation, y[o]);
            if (norm) {
                FloatTensor g = (FloatTensor) sd.get("linear." + index + ".weight");
                FloatTensor beta = (FloatTensor) sd.get("linear." + index + ".bias");
                index++;
                double mean = 0, var = 0;
                for (double v : y) mean += v;
                mean /= out;
                for (double v : y) var += (v - mean) * (v - mean);
                var /= out;
                for (int o = 0; o < out; o++) y[o] = (y[o] - mean) / Math.sqrt(var + 1e-5) * g.values()[o] + beta.values()[o];
            }
            h = y;
        }
        return h;
    }

    private void assertPatch(String activation, boolean norm, boolean activateOutput) throws Exception {
        int dim = 4, tokens = 3;
        Path path = write(activation, norm, activateOutput, dim, 6);
        float[] kv = gaussian(tokens * dim, 1.0);
        float[] q = gaussian(tokens * dim, 1.0);
        double strength = 0.7;
        try (Hypernetwork h = Hypernetwork.read(path)) {
            assertThat(h.dims()).containsExactly(4L, 6L);
            Tensor k = Tensor.fromFloats(kv, 1, tokens, dim);
            Hypernetwork.Qkv out = h.apply(Tensor.fromFloats(q, 1, tokens, dim), k, k, strength);
            assertThat(out.q().toFloatArray()).containsExactly(q);
            List<?> mlps = (List<?>) file.get(4L);
            float[] gotK = out.k().toFloatArray();
            float[] gotV = out.v().toFloatArray();
            for (int t = 0; t < tokens; t++) {
                double[] row = new double[dim];
                for (int i = 0; i < dim; i++) row[i] = kv[t * dim + i];
                double[] mk = forward((Map<?, ?>) mlps.get(0), row, activation, norm, activateOutput);
                double[] mv = forward((Map<?, ?>) mlps.get(1), row, activation, norm, activateOutput);
                for (int i = 0; i < dim; i++) {
                    assertThat((double) gotK[t * dim + i]).as("%s k", activation).isCloseTo(row[i] + mk[i] * strength, within(1e-4));
                    assertThat((double) gotV[t * dim + i]).as("%s v", activation).isCloseTo(row[i] + mv[i] * strength, within(1e-4));
                }
            }
            // A width without MLPs passes through.
            Tensor other = Tensor.fromFloats(gaussian(5, 1), 1, 1, 5);
            assertThat(h.apply(other, other, other, 1.0).k()).isSameAs(other);
        }
    }

    @Test
    void everyActivationWithAndWithoutLayerNorm() throws Exception {
        for (String a : List.of("linear", "relu", "leakyrelu", "elu", "swish", "tanh", "sigmoid", "softsign", "mish")) {
            assertPatch(a, false, false);
        }
        assertPatch("relu", true, false);
        assertPatch("tanh", true, true);
        assertPatch("softsign", false, true);
    }

    @Test
    void anUnknownActivationOrAFileWithoutLayersIsRefusedNamingTheProblem() throws Exception {
        Path gelu = write("gelu", false, false, 4);
        assertThatThrownBy(() -> Hypernetwork.read(gelu)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("activation_func 'gelu'");
        Path empty = dir.resolve("empty.pt");
        TorchZipWriter.writeObject(empty, Map.of("activation_func", "relu"));
        assertThatThrownBy(() -> Hypernetwork.read(empty)).isInstanceOf(ModelFileException.class)
                .hasMessageContaining("no hypernetwork layers");
    }
}
