package dev.comfy4j.model.upscale;

import dev.comfy4j.model.SafetensorsWriter;
import dev.comfy4j.model.TorchZipWriter;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Random-weight upscale model files for tests: RRDBNet weights under spandrel's module names (as
 * {@link Rrdb}, which also renames them to the old, new or BSRGAN key layout) and Compact weights,
 * written as safetensors or PyTorch zip checkpoints.
 */
public final class TinyUpscaleModels {
    private TinyUpscaleModels() {}

    /** One weight: values and shape. */
    public record W(float[] values, long... shape) {}

    /**
     * RRDBNet weights.
     *
     * @param centreOnly every 3x3 kernel zero but its centre: each output pixel then depends on one input
     *     pixel only, so tiling cannot change the result
     */
    public record Rrdb(int in, int out, int features, int growth, int blocks, int upsamplings, Map<String, W> modules) {
        public static Rrdb random(long seed, int in, int out, int features, int growth, int blocks, int upsamplings,
                boolean centreOnly) {
            return random(seed, in, out, features, growth, blocks, upsamplings, centreOnly, false);
        }

        /** As above; with {@code plus}, ESRGAN+'s 1x1 convolution (no bias) in every dense block. */
        public static Rrdb random(long seed, int in, int out, int features, int growth, int blocks, int upsamplings,
                boolean centreOnly, boolean plus) {
            Random r = new Random(seed);
            Map<String, W> m = new LinkedHashMap<>();
            conv(m, "first", in, features, r, centreOnly, 0.3);
            for (int b = 0; b < blocks; b++) {
                for (int d = 1; d <= 3; d++) {
                    for (int c = 1; c <= 5; c++) {
                        conv(m, "dense." + b + "." + d + "." + c, features + (c - 1) * growth, c == 5 ? features : growth, r, centreOnly, 0.1);
                    }
                    if (plus) {
                        float[] w = new float[growth * features];
                        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * 0.1);
                        m.put("plus." + b + "." + d + ".weight", new W(w, growth, features, 1, 1));
                    }
                }
            }
            conv(m, "body", features, features, r, centreOnly, 0.1);
            for (int u = 1; u <= upsamplings; u++) conv(m, "up" + u, features, features, r, centreOnly, 0.15);
            conv(m, "hr", features, features, r, centreOnly, 0.15);
            conv(m, "last", features, out, r, centreOnly, 0.15);
            return new Rrdb(in, out, features, growth, blocks, upsamplings, m);
        }

        public W get(String module, String kind) {
            return modules.get(module + "." + kind);
        }

        /** The weights under the BasicSR / Real-ESRGAN names ({@code conv_first}, {@code body.N.rdb1.conv1}, ...). */
        public Map<String, W> newLayout() {
            return named(Esrgan.Layout.NEW);
        }

        /** The weights under the names of {@code layout}. */
        public Map<String, W> named(Esrgan.Layout layout) {
            Map<String, W> out = new LinkedHashMap<>();
            int n = upsamplings;
            modules.forEach((k, v) -> {
                int dot = k.lastIndexOf('.');
                String module = k.substring(0, dot), kind = k.substring(dot + 1);
                out.put(rename(layout, module, n) + "." + kind, v);
            });
            return out;
        }

        private String rename(Esrgan.Layout layout, String module, int n) {
            if (module.startsWith("plus.")) {
                String[] p = module.split("\\.");
                return switch (layout) {
                    case OLD -> "model.1.sub." + p[1] + ".RDB" + p[2] + ".conv1x1";
                    case NEW -> "body." + p[1] + ".rdb" + p[2] + ".conv1x1";
                    case BSRGAN -> "RRDB_trunk." + p[1] + ".RDB" + p[2] + ".conv1x1";
                };
            }
            if (module.startsWith("dense.")) {
                String[] p = module.split("\\.");
                return switch (layout) {
                    case OLD -> "model.1.sub." + p[1] + ".RDB" + p[2] + ".conv" + p[3] + ".0";
                    case NEW -> "body." + p[1] + ".rdb" + p[2] + ".conv" + p[3];
                    case BSRGAN -> "RRDB_trunk." + p[1] + ".RDB" + p[2] + ".conv" + p[3];
                };
            }
            if (module.startsWith("up")) {
                int u = Integer.parseInt(module.substring(2));
                return switch (layout) {
                    case OLD -> "model." + 3 * u;
                    case NEW -> "conv_up" + u;
                    case BSRGAN -> "upconv" + u;
                };
            }
            return switch (module) {
                case "first" -> layout == Esrgan.Layout.OLD ? "model.0" : "conv_first";
                case "body" -> switch (layout) {
                    case OLD -> "model.1.sub." + blocks;
                    case NEW -> "conv_body";
                    case BSRGAN -> "trunk_conv";
                };
                case "hr" -> switch (layout) {
                    case OLD -> "model." + (3 * n + 2);
                    case NEW -> "conv_hr";
                    case BSRGAN -> "HRconv";
                };
                case "last" -> layout == Esrgan.Layout.OLD ? "model." + (3 * n + 4) : "conv_last";
                default -> throw new IllegalArgumentException(module);
            };
        }
    }

    /** Compact weights: {@code body.0} conv, {@code body.1} PReLU, ..., {@code body.N} the last conv. */
    public static Map<String, W> compact(long seed, int in, int out, int features, int numConv, int scale, boolean zero) {
        Random r = new Random(seed);
        Map<String, W> m = new LinkedHashMap<>();
        int index = 0;
        for (int k = 0; k <= numConv; k++) {
            conv(m, "body." + index++, k == 0 ? in : features, features, r, false, zero ? 0 : 0.2);
            float[] prelu = new float[features];
            for (int i = 0; i < features; i++) prelu[i] = zero ? 0 : (float) (0.1 + 0.2 * r.nextDouble());
            m.put("body." + index++ + ".weight", new W(prelu, features));
        }
        conv(m, "body." + index, features, out * scale * scale, r, false, zero ? 0 : 0.2);
        return m;
    }

    private static void conv(Map<String, W> m, String name, int in, int out, Random r, boolean centreOnly, double std) {
        float[] w = new float[out * in * 9];
        for (int i = 0; i < w.length; i++) {
            boolean centre = i % 9 == 4;
            w[i] = centreOnly && !centre ? 0 : (float) (r.nextGaussian() * std);
        }
        float[] b = new float[out];
        for (int i = 0; i < out; i++) b[i] = (float) (r.nextGaussian() * std * 0.5);
        m.put(name + ".weight", new W(w, out, in, 3, 3));
        m.put(name + ".bias", new W(b, out));
    }

    /** Writes {@code weights} as safetensors, float32 or (with {@code fp16}) float16. */
    public static Path safetensors(Path file, Map<String, W> weights, boolean fp16) throws IOException {
        try (TensorScope ignored = TensorScope.open()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            weights.forEach((k, v) -> {
                Tensor t = Tensor.fromFloats(v.values(), v.shape());
                tensors.put(k, fp16 ? t.to(dev.comfy4j.tensor.DType.F16) : t);
            });
            SafetensorsWriter.write(file, tensors, Map.of());
        }
        return file;
    }

    /** Writes {@code weights} as a torch.save zip, under the top-level key {@code wrapper} (null: {@code state_dict}). */
    public static Path pth(Path file, Map<String, W> weights, String... wrappers) throws IOException {
        Map<String, Map<String, TorchZipWriter.FloatTensor>> top = new LinkedHashMap<>();
        Map<String, TorchZipWriter.FloatTensor> tensors = new LinkedHashMap<>();
        weights.forEach((k, v) -> tensors.put(k, new TorchZipWriter.FloatTensor(v.values(), v.shape())));
        for (String w : wrappers) top.put(w, tensors);
        TorchZipWriter.writeWrapped(file, top);
        return file;
    }
}
