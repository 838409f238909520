package dev.comfy4j.nodes.modelpatch;

import dev.comfy4j.model.nn.Attention;
import dev.comfy4j.model.options.AttentionPatch;
import dev.comfy4j.model.options.BlockId;
import dev.comfy4j.model.options.PostCfgFunction;
import dev.comfy4j.model.options.TransformerOptions;
import dev.comfy4j.nodes.FiniteFloats;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Interpolation;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.List;

/**
 * SelfAttentionGuidance ({@code nodes_sag.py}): the first self-attention of the middle block records its
 * attention probabilities for the negative side; after CFG, the negative prediction is blurred (Gaussian, 9x9)
 * where the averaged attention a latent pixel receives exceeds 1, re-noised with the step's noise, denoised
 * again on the negative conditioning, and the result moves away from that: {@code denoised + (degraded - sag) * scale}.
 * Skipped on latents of 4 pixels or less on a side; the negative is evaluated even at cfg 1.
 */
public final class SelfAttentionGuidance implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("SelfAttentionGuidance", "comfy_extras.nodes_sag")
                .displayName("Self-Attention Guidance")
                .category("_for_testing")
                .input(Input.of("model", "MODEL"))
                .input(Input.of("scale", "FLOAT").defaultValue(0.5).min(-2.0).max(5.0).step(0.01))
                .input(Input.of("blur_sigma", "FLOAT").defaultValue(2.0).min(0.0).max(10.0).step(0.1))
                .output(Output.of("MODEL"))
                .experimental()
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Scores scores = new Scores();
        Function f = new Function(FiniteFloats.of(in, "scale"), FiniteFloats.of(in, "blur_sigma"), scores);
        Recording recording = new Recording(scores);
        return ModelPatches.patched(in, o -> o.withTransformerPatches(o.transformerPatches()
                .withAttn1Replace(BlockId.of("middle", 0).withTransformer(0), recording)).withPostCfgFunction(f, true));
    }

    /**
     * The attention probabilities of the last negative pass, shared by the two patches of one node run (as the
     * closure variable {@code attn_scores} in ComfyUI); replaced at every negative pass, so it holds one small
     * tensor (batch x heads, tokens, tokens of the middle block). Compared by identity.
     */
    public static final class Scores {
        private Tensor value;

        synchronized void set(Tensor scores) {
            if (value != null) value.close();
            value = scores;
        }

        synchronized Tensor get() {
            return value;
        }

        @Override
        public String toString() {
            return "Scores@" + Integer.toHexString(System.identityHashCode(this));
        }
    }

    /** {@code attn_and_record}: plain attention, keeping the probabilities of the negative chunk when there is one. */
    public record Recording(Scores scores) implements AttentionPatch.Replace {
        @Override
        public Tensor apply(Tensor q, Tensor k, Tensor v, TransformerOptions options) {
            List<Integer> sides = options.condOrUncond();
            long heads = options.heads();
            long d = q.size(2) / heads;
            long b = q.size(0) / sides.size();
            try (TensorScope scope = TensorScope.open()) {
                Tensor qh = split(q, heads, d);
                Tensor kh = split(k, heads, d);
                Tensor vh = split(v, heads, d);
                int uncondIndex = sides.indexOf(1);
                Tensor out;
                if (uncondIndex < 0) {
                    out = Attention.compute(qh, kh, vh);
                } else {
                    Tensor sim = Functional.softmax(Functional.bmm(qh, kh.transpose(1, 2)).mul(1.0 / Math.sqrt(d)), -1);
                    out = Functional.bmm(sim, vh);
                    long slices = heads * b;
                    scores.set(sim.narrow(0, slices * uncondIndex, slices).clone().escapeScope());
                }
                return scope.keep(out.reshape(q.size(0), heads, -1, d).transpose(1, 2).reshape(q.size(0), -1, heads * d));
            }
        }

        private static Tensor split(Tensor t, long heads, long d) {
            long b = t.size(0);
            return t.reshape(b, -1, heads, d).transpose(1, 2).reshape(b * heads, -1, d);
        }
    }

    public record Function(double scale, double blurSigma, Scores scores) implements PostCfgFunction {
        private static final double THRESHOLD = 1.0;

        @Override
        public Tensor apply(Args a) {
            Tensor result = a.denoised();
            Tensor attention = scores.get();
            if (Math.min(result.size(2), result.size(3)) <= 4 || attention == null) return result;
            try (TensorScope scope = TensorScope.open()) {
                Tensor uncondPred = a.uncondDenoised();
                Tensor degraded = blurMap(uncondPred, attention, blurSigma, THRESHOLD);
                Tensor degradedNoised = degraded.add(a.input()).sub(uncondPred);
                Tensor sag = a.predict().predict(1, degradedNoised, a.modelOptions());
                return scope.keep(result.add(degraded.sub(sag).mul(scale)));
            }
        }
    }

    /**
     * {@code create_blur_map}: the attention [B*heads, hw1, hw2] averaged over heads and summed over the queries
     * gives each key pixel's received attention; pixels above the threshold, at the middle block's resolution
     * ({@code ratio = 2^bit_length(ceil(sqrt(lh lw / hw1)) - 1)}), upsampled (nearest) to the latent, select
     * the blurred latent.
     */
    static Tensor blurMap(Tensor x0, Tensor attention, double sigma, double threshold) {
        try (TensorScope scope = TensorScope.open()) {
            long hw1 = attention.size(1);
            long hw2 = attention.size(2);
            long b = x0.size(0);
            long lh = x0.size(2);
            long lw = x0.size(3);
            Tensor attn = attention.reshape(b, -1, hw1, hw2);
            Tensor mask = attn.mean(new long[] {1}, false).sum(new long[] {1}, false).gt(threshold);
            long ceil = (long) Math.ceil(Math.sqrt((double) lh * lw / hw1));
            long ratio = 1L << (64 - Long.numberOfLeadingZeros(ceil - 1));
            long midH = (lh + ratio - 1) / ratio;
            long midW = (lw + ratio - 1) / ratio;
            Tensor m = mask.reshape(b, midH, midW).unsqueeze(1).to(attention.dtype());
            m = Functional.interpolate(m, lh, lw, Interpolation.NEAREST, false);
            Tensor blurred = gaussianBlur(x0, 9, sigma);
            return scope.keep(blurred.mul(m).add(x0.mul(m.rsub(1.0))));
        }
    }

    /** {@code gaussian_blur_2d}: a normalised 9x9 Gaussian per channel with reflect padding. */
    static Tensor gaussianBlur(Tensor img, int kernelSize, double sigma) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = Tensor.linspace(-(kernelSize - 1) * 0.5, (kernelSize - 1) * 0.5, kernelSize, DType.F32);
            Tensor pdf = x.div(sigma).pow(2).mul(-0.5).exp();
            Tensor kernel = pdf.div(pdf.sum()).to(img.dtype());
            Tensor kernel2d = Functional.matmul(kernel.reshape(kernelSize, 1), kernel.reshape(1, kernelSize));
            long channels = img.size(1);
            Tensor weight = kernel2d.expand(channels, 1, kernelSize, kernelSize).contiguous();
            int half = kernelSize / 2;
            Tensor padded = Functional.pad(img, new long[] {half, half, half, half}, "reflect");
            return scope.keep(Functional.conv2d(padded, weight, null, 1, 0, 1, channels));
        }
    }
}
