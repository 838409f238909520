package dev.comfy4j.model.upscale;

import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Interpolation;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.List;

/**
 * ESRGAN's RRDBNet as spandrel runs it (the "old arch" module every key layout is mapped to):
 * <pre>
 * fea = conv_first(x)
 * fea = fea + conv_body(RRDB_n(...RRDB_1(fea)))          RRDB(x) = 0.2 * RDB3(RDB2(RDB1(x))) + x
 * per upsampling: fea = lrelu(conv_up(nearest_2x(fea)))
 * out = conv_last(lrelu(conv_hr(fea)))
 * </pre>
 * A residual dense block (RDB) runs five convolutions, each over the concatenation of the input and
 * all earlier outputs (the first four followed by a leaky ReLU of slope 0.2), and returns
 * {@code 0.2 * conv5(...) + x}; ESRGAN+ adds a 1x1 convolution of the input to the second output and
 * that output to the fourth. Real-ESRGAN's x2 and x1 models take a pixel-unshuffled input
 * ({@code shuffleFactor} 2 or 4): the input is reflect-padded to a multiple of the factor, unshuffled,
 * and the output cropped back to {@code scale / shuffleFactor} times the input.
 *
 * <p>The concatenations are not materialised: each RDB writes its outputs into channel slices of one
 * buffer of {@code features + 4 * growth} channels, and each convolution reads a leading slice of it.
 * Activations are channels-last; every activation is freed as soon as the next one exists.
 */
final class RrdbNet implements UpscaleNetwork {
    static final double SLOPE = 0.2;
    static final double RESIDUAL_SCALE = 0.2;

    /**
     * One residual dense block: five convolutions, and for ESRGAN+ a 1x1 convolution of the input added to
     * the second output (whose copy is then added to the fourth).
     *
     * @param plus ESRGAN+'s {@code conv1x1}, or null
     */
    record DenseBlock(List<Conv> convs, Conv plus) {
        DenseBlock(List<Conv> convs) {
            this(convs, null);
        }
    }

    /** One residual-in-residual dense block: three dense blocks. */
    record Rrdb(List<DenseBlock> dense) {}

    private final Conv first;
    private final List<Rrdb> blocks;
    private final Conv body;
    private final List<Conv> upsampling;
    private final Conv hr;
    private final Conv last;
    private final int shuffleFactor;
    private final int networkScale;

    /**
     * @param shuffleFactor 0 when the input is not pixel-unshuffled
     * @param networkScale the scale of the network itself ({@code 2^upsampling.size()}), before unshuffling
     */
    RrdbNet(Conv first, List<Rrdb> blocks, Conv body, List<Conv> upsampling, Conv hr, Conv last, int shuffleFactor,
            int networkScale) {
        this.first = first;
        this.blocks = List.copyOf(blocks);
        this.body = body;
        this.upsampling = List.copyOf(upsampling);
        this.hr = hr;
        this.last = last;
        this.shuffleFactor = shuffleFactor;
        this.networkScale = networkScale;
    }

    @Override
    public Tensor forward(Tensor x, Runnable betweenLayers) {
        if (shuffleFactor == 0) return model(x, betweenLayers);
        try (TensorScope scope = TensorScope.open()) {
            long h = x.size(2), w = x.size(3);
            long padH = (shuffleFactor - h % shuffleFactor) % shuffleFactor, padW = (shuffleFactor - w % shuffleFactor) % shuffleFactor;
            Tensor in = padH > 0 || padW > 0 ? Functional.pad(x, new long[] {0, padW, 0, padH}, "reflect") : x;
            Tensor out = model(Functional.pixelUnshuffle(in, shuffleFactor), betweenLayers);
            long trueScale = networkScale / shuffleFactor;
            if (out.size(2) != h * trueScale || out.size(3) != w * trueScale) {
                out = out.narrow(2, 0, h * trueScale).narrow(3, 0, w * trueScale).contiguous();
            }
            return scope.keep(out);
        }
    }

    private Tensor model(Tensor x, Runnable betweenLayers) {
        try (TensorScope scope = TensorScope.open()) {
            // channels-last activations: oneDNN's convolutions run about twice as fast on them (bench/README.md)
            Tensor fea = first.apply(x.contiguousChannelsLast());
            Tensor trunk = trunk(fea, betweenLayers);
            fea = fea.add_(trunk);
            trunk.close();
            for (Conv up : upsampling) {
                Tensor upsampled = Functional.interpolate(fea, fea.size(2) * 2, fea.size(3) * 2, Interpolation.NEAREST, false);
                fea.close();
                fea = Functional.leakyRelu_(up.apply(upsampled), SLOPE);
                upsampled.close();
            }
            Tensor h = Functional.leakyRelu_(hr.apply(fea), SLOPE);
            fea.close();
            return scope.keep(last.apply(h));
        }
    }

    /** {@code conv_body(RRDB_n(...RRDB_1(fea)))}. */
    private Tensor trunk(Tensor fea, Runnable betweenLayers) {
        try (TensorScope scope = TensorScope.open()) {
            long nf = fea.size(1);
            long growth = blocks.isEmpty() ? 0 : blocks.getFirst().dense().getFirst().convs().getFirst().outChannels();
            Tensor buffer;
            try (Tensor nchw = Tensor.empty(DType.F32, fea.device(), fea.size(0), nf + 4 * growth, fea.size(2), fea.size(3))) {
                buffer = nchw.contiguousChannelsLast();
            }
            Tensor t = fea;
            for (Rrdb block : blocks) {
                Tensor next = rrdb(block, t, buffer, nf, growth);
                if (t != fea) t.close();
                t = next;
                betweenLayers.run();
            }
            buffer.close();
            return scope.keep(body.apply(t));
        }
    }

    private static Tensor rrdb(Rrdb block, Tensor x, Tensor buffer, long nf, long growth) {
        try (TensorScope scope = TensorScope.open()) {
            Tensor t = x;
            for (DenseBlock dense : block.dense()) {
                Tensor next = denseBlock(dense, t, buffer, nf, growth);
                if (t != x) t.close();
                t = next;
            }
            return scope.keep(t.mul_(RESIDUAL_SCALE).add_(x));
        }
    }

    /** {@code 0.2 * conv5(cat(x, x1, x2, x3, x4)) + x} with {@code x_i = lrelu(conv_i(cat(x, x1, ..)))}. */
    private static Tensor denseBlock(DenseBlock dense, Tensor x, Tensor buffer, long nf, long growth) {
        try (TensorScope scope = TensorScope.open()) {
            try (Tensor head = buffer.narrow(1, 0, nf)) {
                head.copy_(x);
            }
            for (int i = 0; i < 4; i++) {
                try (Tensor in = buffer.narrow(1, 0, nf + i * growth);
                     Tensor out = Functional.leakyRelu_(dense.convs().get(i).apply(in), SLOPE);
                     Tensor slot = buffer.narrow(1, nf + i * growth, growth)) {
                    if (dense.plus() != null && i == 1) {
                        try (Tensor shortcut = dense.plus().apply(x)) {
                            out.add_(shortcut);
                        }
                    } else if (dense.plus() != null && i == 3) {
                        try (Tensor x2 = buffer.narrow(1, nf + growth, growth)) {
                            out.add_(x2);
                        }
                    }
                    slot.copy_(out);
                }
            }
            Tensor out = dense.convs().get(4).apply(buffer);
            return scope.keep(out.mul_(RESIDUAL_SCALE).add_(x));
        }
    }

    @Override
    public long byteSize() {
        long n = bytes(first) + bytes(body) + bytes(hr) + bytes(last);
        for (Conv c : upsampling) n += bytes(c);
        for (Rrdb b : blocks) {
            for (DenseBlock d : b.dense()) {
                for (Conv c : d.convs()) n += bytes(c);
                if (d.plus() != null) n += bytes(d.plus());
            }
        }
        return n;
    }

    private static long bytes(Conv c) {
        return c.weight().nbytes() + (c.bias() == null ? 0 : c.bias().nbytes());
    }

    @Override
    public void close() {
        first.close();
        for (Rrdb b : blocks) {
            for (DenseBlock d : b.dense()) {
                d.convs().forEach(Conv::close);
                if (d.plus() != null) d.plus().close();
            }
        }
        body.close();
        upsampling.forEach(Conv::close);
        hr.close();
        last.close();
    }
}
