package dev.comfy4j.model.upscale;

import dev.comfy4j.model.upscale.TinyUpscaleModels.Rrdb;
import dev.comfy4j.model.upscale.TinyUpscaleModels.W;
import java.util.Map;

/**
 * An independent computation of the upscale networks with plain loops over float arrays (double
 * accumulators), written from spandrel's module definitions: no libtorch op is involved, so it checks
 * the layer wiring, the residual scaling, the upsampling and the pixel (un)shuffles of the real code.
 */
final class ReferenceUpscale {
    /** A [C, H, W] image. */
    record Img(int c, int h, int w, float[] v) {
        Img(int c, int h, int w) {
            this(c, h, w, new float[c * h * w]);
        }

        float at(int ch, int y, int x) {
            return v[(ch * h + y) * w + x];
        }

        void set(int ch, int y, int x, float value) {
            v[(ch * h + y) * w + x] = value;
        }
    }

    private ReferenceUpscale() {}

    /** spandrel's ESRGAN forward (with Real-ESRGAN's unshuffle when the input has 4 or 16 times the output channels). */
    static Img esrgan(Rrdb m, Img x) {
        int shuffle = m.in() == m.out() * 4 ? 2 : m.in() == m.out() * 16 ? 4 : 0;
        if (shuffle == 0) return rrdbModel(m, x);
        int h = x.h(), w = x.w();
        Img padded = reflectPadTo(x, shuffle);
        Img out = rrdbModel(m, unshuffle(padded, shuffle));
        int trueScale = (1 << m.upsamplings()) / shuffle;
        return crop(out, h * trueScale, w * trueScale);
    }

    private static Img rrdbModel(Rrdb m, Img x) {
        Img fea = conv(x, m, "first");
        Img t = fea;
        for (int b = 0; b < m.blocks(); b++) {
            Img blockIn = t;
            Img d = t;
            for (int r = 1; r <= 3; r++) d = dense(m, b, r, d);
            t = add(scale(d, 0.2f), blockIn);
        }
        t = conv(t, m, "body");
        fea = add(fea, t);
        for (int u = 1; u <= m.upsamplings(); u++) fea = leaky(conv(nearest(fea, 2), m, "up" + u));
        return conv(leaky(conv(fea, m, "hr")), m, "last");
    }

    private static Img dense(Rrdb m, int b, int r, Img x) {
        String p = "dense." + b + "." + r + ".";
        W plus = m.modules().get("plus." + b + "." + r + ".weight");
        Img x1 = leaky(conv(x, m, p + 1));
        Img x2 = leaky(conv(cat(x, x1), m, p + 2));
        if (plus != null) x2 = add(x2, conv(x, plus, null));
        Img x3 = leaky(conv(cat(cat(x, x1), x2), m, p + 3));
        Img x4 = leaky(conv(cat(cat(cat(x, x1), x2), x3), m, p + 4));
        if (plus != null) x4 = add(x4, x2);
        Img x5 = conv(cat(cat(cat(cat(x, x1), x2), x3), x4), m, p + 5);
        return add(scale(x5, 0.2f), x);
    }

    /** SRVGGNetCompact's forward over the weights {@code body.i.*}. */
    static Img compact(Map<String, W> weights, int numConv, int scale, Img x) {
        Img out = x;
        int i = 0;
        for (int k = 0; k <= numConv; k++) {
            out = conv(out, weights.get("body." + i + ".weight"), weights.get("body." + i + ".bias"));
            i++;
            out = prelu(out, weights.get("body." + i + ".weight").values());
            i++;
        }
        out = conv(out, weights.get("body." + i + ".weight"), weights.get("body." + i + ".bias"));
        return add(pixelShuffle(out, scale), nearest(x, scale));
    }

    static Img conv(Img x, Rrdb m, String module) {
        return conv(x, m.get(module, "weight"), m.get(module, "bias"));
    }

    /** k x k convolution (k odd), stride 1, zero padding k / 2; {@code bias} may be null. */
    static Img conv(Img x, W weight, W bias) {
        int out = (int) weight.shape()[0], in = (int) weight.shape()[1], k = (int) weight.shape()[2], pad = k / 2;
        if (in != x.c()) throw new IllegalArgumentException("conv expects " + in + " channels, got " + x.c());
        Img y = new Img(out, x.h(), x.w());
        float[] kernel = weight.values();
        for (int o = 0; o < out; o++) {
            for (int yy = 0; yy < x.h(); yy++) {
                for (int xx = 0; xx < x.w(); xx++) {
                    double s = bias == null ? 0 : bias.values()[o];
                    for (int c = 0; c < in; c++) {
                        for (int ky = 0; ky < k; ky++) {
                            int sy = yy + ky - pad;
                            if (sy < 0 || sy >= x.h()) continue;
                            for (int kx = 0; kx < k; kx++) {
                                int sx = xx + kx - pad;
                                if (sx < 0 || sx >= x.w()) continue;
                                s += (double) kernel[((o * in + c) * k + ky) * k + kx] * x.at(c, sy, sx);
                            }
                        }
                    }
                    y.set(o, yy, xx, (float) s);
                }
            }
        }
        return y;
    }

    static Img leaky(Img x) {
        Img y = new Img(x.c(), x.h(), x.w());
        for (int i = 0; i < x.v().length; i++) y.v()[i] = x.v()[i] >= 0 ? x.v()[i] : 0.2f * x.v()[i];
        return y;
    }

    static Img prelu(Img x, float[] slopes) {
        Img y = new Img(x.c(), x.h(), x.w());
        for (int c = 0; c < x.c(); c++) {
            for (int p = 0; p < x.h() * x.w(); p++) {
                float v = x.v()[c * x.h() * x.w() + p];
                y.v()[c * x.h() * x.w() + p] = v >= 0 ? v : slopes[c] * v;
            }
        }
        return y;
    }

    static Img add(Img a, Img b) {
        Img y = new Img(a.c(), a.h(), a.w());
        for (int i = 0; i < a.v().length; i++) y.v()[i] = a.v()[i] + b.v()[i];
        return y;
    }

    static Img scale(Img a, float f) {
        Img y = new Img(a.c(), a.h(), a.w());
        for (int i = 0; i < a.v().length; i++) y.v()[i] = a.v()[i] * f;
        return y;
    }

    static Img cat(Img a, Img b) {
        Img y = new Img(a.c() + b.c(), a.h(), a.w());
        System.arraycopy(a.v(), 0, y.v(), 0, a.v().length);
        System.arraycopy(b.v(), 0, y.v(), a.v().length, b.v().length);
        return y;
    }

    static Img nearest(Img x, int f) {
        Img y = new Img(x.c(), x.h() * f, x.w() * f);
        for (int c = 0; c < x.c(); c++) {
            for (int yy = 0; yy < y.h(); yy++) for (int xx = 0; xx < y.w(); xx++) y.set(c, yy, xx, x.at(c, yy / f, xx / f));
        }
        return y;
    }

    /** torch's pixel_shuffle: out[c, y*f+i, x*f+j] = in[c*f*f + i*f + j, y, x]. */
    static Img pixelShuffle(Img x, int f) {
        Img y = new Img(x.c() / (f * f), x.h() * f, x.w() * f);
        for (int c = 0; c < y.c(); c++) {
            for (int i = 0; i < f; i++) {
                for (int j = 0; j < f; j++) {
                    for (int yy = 0; yy < x.h(); yy++) {
                        for (int xx = 0; xx < x.w(); xx++) y.set(c, yy * f + i, xx * f + j, x.at(c * f * f + i * f + j, yy, xx));
                    }
                }
            }
        }
        return y;
    }

    /** torch's pixel_unshuffle, the inverse of {@link #pixelShuffle}. */
    static Img unshuffle(Img x, int f) {
        Img y = new Img(x.c() * f * f, x.h() / f, x.w() / f);
        for (int c = 0; c < x.c(); c++) {
            for (int i = 0; i < f; i++) {
                for (int j = 0; j < f; j++) {
                    for (int yy = 0; yy < y.h(); yy++) {
                        for (int xx = 0; xx < y.w(); xx++) y.set(c * f * f + i * f + j, yy, xx, x.at(c, yy * f + i, xx * f + j));
                    }
                }
            }
        }
        return y;
    }

    /** Reflect padding on the bottom and right up to a multiple of {@code m} (numpy's "reflect": the edge not repeated). */
    static Img reflectPadTo(Img x, int m) {
        int h = (x.h() + m - 1) / m * m, w = (x.w() + m - 1) / m * m;
        Img y = new Img(x.c(), h, w);
        for (int c = 0; c < x.c(); c++) {
            for (int yy = 0; yy < h; yy++) {
                int sy = yy < x.h() ? yy : 2 * (x.h() - 1) - yy;
                for (int xx = 0; xx < w; xx++) {
                    int sx = xx < x.w() ? xx : 2 * (x.w() - 1) - xx;
                    y.set(c, yy, xx, x.at(c, sy, sx));
                }
            }
        }
        return y;
    }

    static Img crop(Img x, int h, int w) {
        Img y = new Img(x.c(), h, w);
        for (int c = 0; c < x.c(); c++) for (int yy = 0; yy < h; yy++) for (int xx = 0; xx < w; xx++) y.set(c, yy, xx, x.at(c, yy, xx));
        return y;
    }

    static Img clamp01(Img x) {
        Img y = new Img(x.c(), x.h(), x.w());
        for (int i = 0; i < x.v().length; i++) y.v()[i] = Math.max(0, Math.min(1, x.v()[i]));
        return y;
    }
}
