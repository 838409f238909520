package dev.comfy4j.nodes.image;

import dev.comfy4j.imaging.Resample;
import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.Tensor;
import dev.comfy4j.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * PorterDuffImageComposite: the masks are inverted alphas; each pair of images is composited
 * premultiplied with one Porter-Duff operator, then unpremultiplied; the output mask is 1 - alpha.
 * Sources and alphas of another size are bicubic-resized (centre crop) to the destination first.
 */
public final class PorterDuffImageComposite implements Node {
    private static final String[] MODES = {"ADD", "CLEAR", "DARKEN", "DST", "DST_ATOP", "DST_IN", "DST_OUT", "DST_OVER",
        "LIGHTEN", "MULTIPLY", "OVERLAY", "SCREEN", "SRC", "SRC_ATOP", "SRC_IN", "SRC_OUT", "SRC_OVER", "XOR"};

    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("PorterDuffImageComposite", "comfy_extras.nodes_compositing")
                .displayName("Porter-Duff Image Composite")
                .category("mask/compositing")
                .input(Input.of("source", "IMAGE"))
                .input(Input.of("source_alpha", "MASK"))
                .input(Input.of("destination", "IMAGE"))
                .input(Input.of("destination_alpha", "MASK"))
                .input(Input.combo("mode", (Object[]) MODES).option("default", "DST"))
                .output(Output.of("IMAGE"))
                .output(Output.of("MASK"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Tensor source = ImageSupport.tensor(in.get("source"), "source");
        Tensor sourceAlpha = ImageSupport.tensor(in.get("source_alpha"), "source_alpha");
        Tensor destination = ImageSupport.tensor(in.get("destination"), "destination");
        Tensor destinationAlpha = ImageSupport.tensor(in.get("destination_alpha"), "destination_alpha");
        String mode = in.string("mode");
        if (!Arrays.asList(MODES).contains(mode)) throw PyError.keyError(mode);
        long batch = Math.min(Math.min(source.size(0), sourceAlpha.size(0)), Math.min(destination.size(0), destinationAlpha.size(0)));
        List<Tensor> images = new ArrayList<>();
        List<Tensor> masks = new ArrayList<>();
        try (TensorScope ignored = TensorScope.open()) {
            for (long i = 0; i < batch; i++) {
                Tensor srcImage = source.select(0, i);
                Tensor dstImage = destination.select(0, i);
                if (srcImage.size(2) != dstImage.size(2)) {
                    throw new PyError("AssertionError", "source and destination need the same number of channels");
                }
                Tensor srcAlpha = sourceAlpha.select(0, i).unsqueeze(2);
                Tensor dstAlpha = destinationAlpha.select(0, i).unsqueeze(2);
                if (dstAlpha.size(0) != dstImage.size(0) || dstAlpha.size(1) != dstImage.size(1)) {
                    dstAlpha = resizeTo(dstAlpha, dstImage.size(1), dstImage.size(0));
                }
                if (!Arrays.equals(srcImage.shape(), dstImage.shape())) {
                    srcImage = resizeTo(srcImage, dstImage.size(1), dstImage.size(0));
                }
                if (!Arrays.equals(srcAlpha.shape(), dstAlpha.shape())) {
                    srcAlpha = resizeTo(srcAlpha, dstAlpha.size(1), dstAlpha.size(0));
                }
                Tensor[] out = composite(srcImage, srcAlpha, dstImage, dstAlpha, mode);
                images.add(out[0]);
                masks.add(out[1].squeeze(2));
            }
            return NodeResult.of(Tensor.stack(images, 0).escapeScope(), Tensor.stack(masks, 0).escapeScope());
        }
    }

    /** One [H,W,C] item through common_upscale bicubic with centre crop. */
    private static Tensor resizeTo(Tensor hwc, long width, long height) {
        return Resample.image(hwc.unsqueeze(0), width, height, "bicubic", "center").squeeze(0);
    }

    /** Returns {image, mask}; the expression order follows ComfyUI's, so float32 rounding matches. */
    static Tensor[] composite(Tensor srcImage, Tensor srcMask, Tensor dstImage, Tensor dstMask, String mode) {
        Tensor sa = srcMask.rsub(1);
        Tensor da = dstMask.rsub(1);
        Tensor s = srcImage.mul(sa);
        Tensor d = dstImage.mul(da);
        Tensor alpha;
        Tensor image;
        switch (mode) {
            case "ADD" -> {
                alpha = sa.add(da).clamp(0, 1);
                image = s.add(d).clamp(0, 1);
            }
            case "CLEAR" -> {
                alpha = zerosLike(da);
                image = zerosLike(d);
            }
            case "DARKEN" -> {
                alpha = union(sa, da);
                image = da.rsub(1).mul(s).add(sa.rsub(1).mul(d)).add(s.minimum(d));
            }
            case "DST" -> {
                alpha = da;
                image = d;
            }
            case "DST_ATOP" -> {
                alpha = sa;
                image = sa.mul(d).add(da.rsub(1).mul(s));
            }
            case "DST_IN" -> {
                alpha = sa.mul(da);
                image = d.mul(sa);
            }
            case "DST_OUT" -> {
                alpha = sa.rsub(1).mul(da);
                image = sa.rsub(1).mul(d);
            }
            case "DST_OVER" -> {
                alpha = da.add(da.rsub(1).mul(sa));
                image = d.add(da.rsub(1).mul(s));
            }
            case "LIGHTEN" -> {
                alpha = union(sa, da);
                image = da.rsub(1).mul(s).add(sa.rsub(1).mul(d)).add(s.maximum(d));
            }
            case "MULTIPLY" -> {
                alpha = sa.mul(da);
                image = s.mul(d);
            }
            case "OVERLAY" -> {
                alpha = union(sa, da);
                image = Tensor.where(d.mul(2).lt(da), s.mul(2).mul(d), sa.mul(da).sub(da.sub(s).mul(2).mul(sa.sub(d))));
            }
            case "SCREEN" -> {
                alpha = union(sa, da);
                image = s.add(d).sub(s.mul(d));
            }
            case "SRC" -> {
                alpha = sa;
                image = s;
            }
            case "SRC_ATOP" -> {
                alpha = da;
                image = da.mul(s).add(sa.rsub(1).mul(d));
            }
            case "SRC_IN" -> {
                alpha = sa.mul(da);
                image = s.mul(da);
            }
            case "SRC_OUT" -> {
                alpha = da.rsub(1).mul(sa);
                image = da.rsub(1).mul(s);
            }
            case "SRC_OVER" -> {
                alpha = sa.add(sa.rsub(1).mul(da));
                image = s.add(sa.rsub(1).mul(d));
            }
            case "XOR" -> {
                alpha = da.rsub(1).mul(sa).add(sa.rsub(1).mul(da));
                image = da.rsub(1).mul(s).add(sa.rsub(1).mul(d));
            }
            default -> throw PyError.keyError(mode);
        }
        // Back to straight alpha; transparent pixels become black.
        Tensor straight = Tensor.where(alpha.gt(1e-5), image.div(alpha), zerosLike(image)).clamp(0, 1);
        return new Tensor[] {straight, alpha.rsub(1)};
    }

    private static Tensor zerosLike(Tensor t) {
        return Tensor.zeros(t.dtype(), t.device(), t.shape());
    }

    /** src_alpha + dst_alpha - src_alpha * dst_alpha. */
    private static Tensor union(Tensor sa, Tensor da) {
        return sa.add(da).sub(sa.mul(da));
    }
}
