package dev.comfy4j.model.clip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comfy4j.model.ModelFiles;
import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.StateDict;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SD2's text encoder (OpenCLIP ViT-H as ComfyUI's {@code SD2ClipModel} runs it) on a small random tower in the
 * open_clip layout of SD2 checkpoints, against an independent calculation: open_clip's {@code TextTransformer}
 * written out in double precision over the file's weights (fused in_proj, causal attention, exact GELU,
 * {@code ln_final}, pooled at the end token times {@code text_projection}). There is no SD2 golden from ComfyUI.
 */
class Sd2TextEncoderTest {
    private static final String PREFIX = Sd2TextEncoder.CHECKPOINT_PREFIX;
    private static final int WIDTH = 128;
    private static final int LAYERS = 3;
    private static final int HEADS = WIDTH / 64;
    private static final int VOCAB = 49408;

    @TempDir
    Path dir;

    @Test
    void checkpointLayoutsAndTextEncoderFilesAreRecognised() {
        String tok = "token_embedding.weight";
        assertThat(Sd2TextEncoder.prefixIn(Set.of("cond_stage_model.model." + tok, "cond_stage_model.model.text_projection")))
                .isEqualTo("cond_stage_model.model.");
        assertThat(Sd2TextEncoder.prefixIn(Set.of("conditioner.embedders.0.model." + tok,
                "conditioner.embedders.0.model.text_projection"))).isEqualTo("conditioner.embedders.0.model.");
        assertThat(Sd2TextEncoder.prefixIn(Set.of("cond_stage_model.transformer.text_model.embeddings." + tok))).isNull();
        String layer = "text_model.encoder.layers.%d.mlp.fc1.weight";
        assertThat(Sd2TextEncoder.isHuggingFaceClipH(Set.of(layer.formatted(22), layer.formatted(23)), "")).isTrue();
        assertThat(Sd2TextEncoder.isHuggingFaceClipH(Set.of(layer.formatted(22), layer.formatted(31)), "")).as("CLIP-G").isFalse();
        assertThat(Sd2TextEncoder.isHuggingFaceClipH(Set.of(layer.formatted(11)), "")).as("CLIP-L").isFalse();
    }

    @Test
    void sd2TokensPadWithZeroAfterTheEndToken() {
        Sd1Tokenizer sd2 = new Sd1Tokenizer(ClipTestFiles.tokenizer(), null).forClipH();
        List<WeightedToken> chunk = sd2.tokenizeWithWeights("a photo of a cat").chunks().getFirst();
        int[] words = ClipTestFiles.tokenizer().encode("a photo of a cat");
        assertThat(chunk).hasSize(77);
        assertThat(chunk.getFirst().id()).isEqualTo(49406);
        for (int i = 0; i < words.length; i++) assertThat(chunk.get(1 + i).id()).isEqualTo(words[i]);
        assertThat(chunk.get(1 + words.length).id()).isEqualTo(49407);
        for (int i = 2 + words.length; i < 77; i++) assertThat(chunk.get(i).id()).as("position " + i).isZero();
    }

    @Test
    void penultimateLayerThroughTheFinalNormAndProjectedPooledMatchAnIndependentCalculation() throws Exception {
        Path file = writeTower(dir.resolve("tiny_open_clip_h.safetensors"), 11);
        String text = "a photo of a cat, highly detailed";
        Sd1Tokenizer base = new Sd1Tokenizer(ClipTestFiles.tokenizer(), null);
        long[] ids = tokenIds(base.forClipH().tokenizeWithWeights(text).chunks().getFirst());
        try (StateDict sd = ModelFiles.loadStateDict(file); TensorScope ignored = TensorScope.open()) {
            Set<String> read = new HashSet<>();
            try (ClipTextModel model = Sd2TextEncoder.load(StateDict.recording(sd, read), PREFIX)) {
                assertThat(model.layerCount()).isEqualTo(LAYERS);
                assertThat(read).as("every weight of the tower is used, logit_scale aside")
                        .isEqualTo(without(sd.keys(), PREFIX + "logit_scale"));
                Reference ref = new Reference(sd);
                double[][] hidden = ref.run(ids);

                Clip clip = Sd2TextEncoder.encoder(base, model);
                ClipOutput out = clip.encode(text);
                assertThat(out.cond().shape()).containsExactly(1, 77, WIDTH);
                assertThat(out.pooled().shape()).containsExactly(1, WIDTH);
                // default: layer -2 (the output of layer LAYERS-2, 0-based), through ln_final
                assertClose(out.cond(), ref.finalNorm(ref.layerOutputs.get(LAYERS - 2)), "penultimate");
                double[] pooled = ref.pooled(hidden, ids);
                assertClose(out.pooled(), new double[][]{pooled}, "pooled");

                ClipOutput last = clip.withLastLayer(-1).encode(text);
                assertClose(last.cond(), hidden, "CLIPSetLastLayer -1");
                assertClose(last.pooled(), new double[][]{pooled}, "pooled at -1");
                ClipOutput third = clip.withLastLayer(-3).encode(text);
                assertClose(third.cond(), ref.finalNorm(ref.layerOutputs.get(LAYERS - 3)), "CLIPSetLastLayer -3");
                assertClose(third.pooled(), new double[][]{pooled}, "pooled at -3 (always from the last layer)");
            }
        }
    }

    private static Set<String> without(Set<String> keys, String key) {
        Set<String> out = new HashSet<>(keys);
        out.remove(key);
        return out;
    }

    private static long[] tokenIds(List<WeightedToken> chunk) {
        long[] ids = new long[chunk.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = chunk.get(i).id();
        return ids;
    }

    private static void assertClose(Tensor actual, double[][] expected, String what) {
        float[] a = actual.contiguous().toFloatArray();
        double num = 0, den = 0;
        int rows = expected.length;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < WIDTH; c++) {
                double d = a[r * WIDTH + c] - expected[r][c];
                num += d * d;
                den += expected[r][c] * expected[r][c];
            }
        }
        assertThat(a).as(what + " size").hasSize(rows * WIDTH);
        assertThat(Math.sqrt(num / den)).as(what + " relative L2").isLessThan(1e-5);
    }

    /**
     * A ViT-H text-encoder file in the Hugging Face layout (CLIPLoader's input: {@code text_model.*},
     * q/k/v apart, {@code text_projection.weight}) encodes bit for bit as the same tower in the open_clip layout.
     */
    @Test
    void theHuggingFaceLayoutEncodesAsTheOpenClipLayout() throws Exception {
        Path openClip = writeTower(dir.resolve("tiny_open_clip_h.safetensors"), 12);
        Path hf = dir.resolve("tiny_hf_clip_h.safetensors");
        try (StateDict sd = ModelFiles.loadStateDict(openClip); TensorScope ignored = TensorScope.open()) {
            SafetensorsWriter.write(hf, toHuggingFace(sd), Map.of("format", "pt"));
        }
        Sd1Tokenizer base = new Sd1Tokenizer(ClipTestFiles.tokenizer(), null);
        String text = "a lighthouse on a cliff at dusk";
        try (StateDict a = ModelFiles.loadStateDict(openClip); StateDict b = ModelFiles.loadStateDict(hf);
             TensorScope ignored = TensorScope.open();
             ClipTextModel fromOpenClip = Sd2TextEncoder.load(a, PREFIX); ClipTextModel fromHf = Sd2TextEncoder.load(b, "")) {
            ClipOutput x = Sd2TextEncoder.encoder(base, fromOpenClip).encode(text);
            ClipOutput y = Sd2TextEncoder.encoder(base, fromHf).encode(text);
            assertThat(y.cond().toFloatArray()).isEqualTo(x.cond().toFloatArray());
            assertThat(y.pooled().toFloatArray()).isEqualTo(x.pooled().toFloatArray());
        }
    }

    /**
     * CLIPLoader's rule (ComfyUI's {@code detect_te_model}): a text-encoder file with a 23rd but no 31st layer is
     * OpenCLIP ViT-H and gives SD2's CLIP whatever the type, in either file layout.
     */
    @Test
    void clipLoaderGivesSd2sClipForAViTHFileInEitherLayout() throws Exception {
        Path models = dir.resolve("models/text_encoders");
        java.nio.file.Files.createDirectories(models);
        Path checkpointLayout = writeTower(dir.resolve("vit_h_in_a_checkpoint.safetensors"), 13, 23);
        try (StateDict sd = ModelFiles.loadStateDict(checkpointLayout); TensorScope ignored = TensorScope.open()) {
            Map<String, Tensor> bare = new LinkedHashMap<>();
            for (String k : sd.keys()) bare.put(k.substring(PREFIX.length()), sd.get(k));
            SafetensorsWriter.write(models.resolve("vit_h_open_clip.safetensors"), bare, Map.of("format", "pt"));
            SafetensorsWriter.write(models.resolve("vit_h_hf.safetensors"), toHuggingFace(sd), Map.of("format", "pt"));
        }
        ClipTestFiles.tokenizer(); // skips without the shared tokenizer files
        for (String name : List.of("merges.txt", "vocab.json")) {
            java.nio.file.Files.createSymbolicLink(models.resolve(name), ClipTestFiles.TOKENIZER_DIR.resolve(name).toAbsolutePath());
        }
        var services = dev.comfy4j.support.TestServices.over(dir);
        try {
            float[] first = null;
            for (String name : List.of("vit_h_open_clip.safetensors", "vit_h_hf.safetensors")) {
                for (String type : List.of("stable_diffusion", "sd3")) {
                    dev.comfy4j.model.sd.ClipHandle clip = services.checkpoints().textEncoder(models.resolve(name), type);
                    assertThat(clip.family()).as(name + " " + type).isEqualTo(dev.comfy4j.model.ModelFamily.SD2);
                    try (TensorScope ignored = TensorScope.open()) {
                        float[] cond = clip.encode("a red bicycle").cond().toFloatArray();
                        if (first == null) first = cond;
                        else assertThat(cond).as(name).isEqualTo(first);
                    }
                }
            }
        } finally {
            services.models().close();
        }
    }

    /** The open_clip tower of {@code sd} (under {@link #PREFIX}) under Hugging Face names, written out anew. */
    static Map<String, Tensor> toHuggingFace(StateDict sd) {
        Map<String, Tensor> hf = new LinkedHashMap<>();
        String t = "text_model.";
        hf.put(t + "embeddings.token_embedding.weight", sd.get(PREFIX + "token_embedding.weight"));
        hf.put(t + "embeddings.position_embedding.weight", sd.get(PREFIX + "positional_embedding"));
        hf.put(t + "final_layer_norm.weight", sd.get(PREFIX + "ln_final.weight"));
        hf.put(t + "final_layer_norm.bias", sd.get(PREFIX + "ln_final.bias"));
        hf.put("text_projection.weight", sd.get(PREFIX + "text_projection").transpose(0, 1).contiguous());
        for (int i = 0; sd.contains(PREFIX + "transformer.resblocks." + i + ".ln_1.weight"); i++) {
            String o = PREFIX + "transformer.resblocks." + i + ".";
            String l = t + "encoder.layers." + i + ".";
            String[] qkv = {"q_proj", "k_proj", "v_proj"};
            for (String part : new String[] {"weight", "bias"}) {
                Tensor fused = sd.get(o + "attn.in_proj_" + part);
                long rows = fused.size(0) / 3;
                for (int j = 0; j < 3; j++) hf.put(l + "self_attn." + qkv[j] + "." + part, fused.narrow(0, j * rows, rows).contiguous());
                hf.put(l + "self_attn.out_proj." + part, sd.get(o + "attn.out_proj." + part));
                hf.put(l + "layer_norm1." + part, sd.get(o + "ln_1." + part));
                hf.put(l + "layer_norm2." + part, sd.get(o + "ln_2." + part));
                hf.put(l + "mlp.fc1." + part, sd.get(o + "mlp.c_fc." + part));
                hf.put(l + "mlp.fc2." + part, sd.get(o + "mlp.c_proj." + part));
            }
        }
        return hf;
    }

    /** A random ViT-H-shaped tower (width 128, 2 heads, 3 layers): every weight, bias and norm random, stored fp16. */
    static Path writeTower(Path file, long seed) throws Exception {
        return writeTower(file, seed, LAYERS);
    }

    /** As {@link #writeTower(Path, long)} with {@code layers} layers. */
    static Path writeTower(Path file, long seed, int layers) throws Exception {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Tensor> t = new LinkedHashMap<>();
        try (TensorScope ignored = TensorScope.open()) {
            put(t, "token_embedding.weight", rng, 0.02, 0, VOCAB, WIDTH);
            put(t, "positional_embedding", rng, 0.01, 0, 77, WIDTH);
            for (int i = 0; i < layers; i++) {
                String b = "transformer.resblocks." + i + ".";
                put(t, b + "ln_1.weight", rng, 0.1, 1, WIDTH);
                put(t, b + "ln_1.bias", rng, 0.1, 0, WIDTH);
                put(t, b + "attn.in_proj_weight", rng, 1 / Math.sqrt(WIDTH), 0, 3 * WIDTH, WIDTH);
                put(t, b + "attn.in_proj_bias", rng, 0.1, 0, 3 * WIDTH);
                put(t, b + "attn.out_proj.weight", rng, 1 / Math.sqrt(WIDTH), 0, WIDTH, WIDTH);
                put(t, b + "attn.out_proj.bias", rng, 0.1, 0, WIDTH);
                put(t, b + "ln_2.weight", rng, 0.1, 1, WIDTH);
                put(t, b + "ln_2.bias", rng, 0.1, 0, WIDTH);
                put(t, b + "mlp.c_fc.weight", rng, 1 / Math.sqrt(WIDTH), 0, 4 * WIDTH, WIDTH);
                put(t, b + "mlp.c_fc.bias", rng, 0.1, 0, 4 * WIDTH);
                put(t, b + "mlp.c_proj.weight", rng, 1 / Math.sqrt(4 * WIDTH), 0, WIDTH, 4 * WIDTH);
                put(t, b + "mlp.c_proj.bias", rng, 0.1, 0, WIDTH);
            }
            put(t, "ln_final.weight", rng, 0.1, 1, WIDTH);
            put(t, "ln_final.bias", rng, 0.1, 0, WIDTH);
            put(t, "text_projection", rng, 1 / Math.sqrt(WIDTH), 0, WIDTH, WIDTH);
            t.put(PREFIX + "logit_scale", Tensor.fromFloats(new float[]{4.6052f}).to(DType.F16));
            SafetensorsWriter.write(file, t, Map.of("format", "pt"));
        }
        return file;
    }

    private static void put(Map<String, Tensor> t, String name, SplittableRandom rng, double scale, double mean, long... shape) {
        int n = 1;
        for (long s : shape) n *= (int) s;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (mean + rng.nextGaussian() * scale);
        t.put(PREFIX + name, Tensor.fromFloats(v, shape).to(DType.F16));
    }

    /** open_clip's text transformer in double precision, over the file's (fp16) values. */
    private static final class Reference {
        private final StateDict sd;
        final List<double[][]> layerOutputs = new ArrayList<>();

        Reference(StateDict sd) {
            this.sd = sd;
        }

        private double[] w(String name) {
            float[] f = sd.get(PREFIX + name).to(DType.F32).toFloatArray();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) d[i] = f[i];
            return d;
        }

        /** The final hidden state through ln_final; fills {@link #layerOutputs} with each block's raw output. */
        double[][] run(long[] ids) {
            int n = ids.length;
            double[] tok = w("token_embedding.weight");
            double[] pos = w("positional_embedding");
            double[][] x = new double[n][WIDTH];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < WIDTH; c++) x[i][c] = tok[(int) ids[i] * WIDTH + c] + pos[i * WIDTH + c];
            }
            for (int l = 0; l < LAYERS; l++) {
                String b = "transformer.resblocks." + l + ".";
                double[][] h = layerNorm(x, w(b + "ln_1.weight"), w(b + "ln_1.bias"));
                double[][] qkv = linear(h, w(b + "attn.in_proj_weight"), w(b + "attn.in_proj_bias"), 3 * WIDTH);
                double[][] att = attention(qkv, n);
                double[][] o = linear(att, w(b + "attn.out_proj.weight"), w(b + "attn.out_proj.bias"), WIDTH);
                x = add(x, o);
                double[][] m = linear(layerNorm(x, w(b + "ln_2.weight"), w(b + "ln_2.bias")), w(b + "mlp.c_fc.weight"),
                        w(b + "mlp.c_fc.bias"), 4 * WIDTH);
                for (double[] row : m) for (int c = 0; c < row.length; c++) row[c] = gelu(row[c]);
                x = add(x, linear(m, w(b + "mlp.c_proj.weight"), w(b + "mlp.c_proj.bias"), WIDTH));
                layerOutputs.add(x);
            }
            return finalNorm(x);
        }

        double[][] finalNorm(double[][] x) {
            return layerNorm(x, w("ln_final.weight"), w("ln_final.bias"));
        }

        /** open_clip: {@code x[text.argmax(-1)] @ text_projection} (the end token has the largest id). */
        double[] pooled(double[][] normed, long[] ids) {
            int at = 0;
            for (int i = 1; i < ids.length; i++) if (ids[i] > ids[at]) at = i;
            double[] p = w("text_projection");
            double[] out = new double[WIDTH];
            for (int j = 0; j < WIDTH; j++) {
                double s = 0;
                for (int c = 0; c < WIDTH; c++) s += normed[at][c] * p[c * WIDTH + j];
                out[j] = s;
            }
            return out;
        }

        private static double[][] attention(double[][] qkv, int n) {
            int hd = WIDTH / HEADS;
            double[][] out = new double[n][WIDTH];
            for (int h = 0; h < HEADS; h++) {
                for (int i = 0; i < n; i++) {
                    double[] scores = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) { // causal: token i sees tokens 0..i
                        double s = 0;
                        for (int d = 0; d < hd; d++) s += qkv[i][h * hd + d] * qkv[j][WIDTH + h * hd + d];
                        scores[j] = s / Math.sqrt(hd);
                        max = Math.max(max, scores[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= i; j++) sum += scores[j] = Math.exp(scores[j] - max);
                    for (int d = 0; d < hd; d++) {
                        double v = 0;
                        for (int j = 0; j <= i; j++) v += scores[j] / sum * qkv[j][2 * WIDTH + h * hd + d];
                        out[i][h * hd + d] = v;
                    }
                }
            }
            return out;
        }

        private static double[][] linear(double[][] x, double[] weight, double[] bias, int out) {
            int in = x[0].length;
            double[][] y = new double[x.length][out];
            for (int r = 0; r < x.length; r++) {
                for (int o = 0; o < out; o++) {
                    double s = bias[o];
                    for (int c = 0; c < in; c++) s += x[r][c] * weight[o * in + c];
                    y[r][o] = s;
                }
            }
            return y;
        }

        private static double[][] layerNorm(double[][] x, double[] g, double[] b) {
            double[][] y = new double[x.length][];
            for (int r = 0; r < x.length; r++) {
                int n = x[r].length;
                double mean = 0, var = 0;
                for (double v : x[r]) mean += v;
                mean /= n;
                for (double v : x[r]) var += (v - mean) * (v - mean);
                var /= n;
                y[r] = new double[n];
                for (int c = 0; c < n; c++) y[r][c] = (x[r][c] - mean) / Math.sqrt(var + 1e-5) * g[c] + b[c];
            }
            return y;
        }

        private static double[][] add(double[][] a, double[][] b) {
            double[][] y = new double[a.length][a[0].length];
            for (int r = 0; r < a.length; r++) for (int c = 0; c < a[r].length; c++) y[r][c] = a[r][c] + b[r][c];
            return y;
        }

        /** Exact GELU: x/2 (1 + erf(x/sqrt 2)), erf by Abramowitz-Stegun 7.1.26 is too coarse, so by its series. */
        private static double gelu(double x) {
            return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
        }

        private static double erf(double z) {
            double a = Math.abs(z);
            double r;
            if (a < 3) { // Maclaurin series, converges fast here
                double term = a, sum = a;
                for (int k = 1; k < 60; k++) {
                    term *= -a * a / k;
                    sum += term / (2 * k + 1);
                }
                r = 2 / Math.sqrt(Math.PI) * sum;
            } else { // asymptotic continued fraction
                double t = 0;
                for (int k = 60; k >= 1; k--) t = k / 2.0 / (a + t);
                r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + t);
            }
            return z < 0 ? -r : r;
        }
    }
}
