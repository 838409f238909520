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
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * ImageStitch: joins image2 to image1 on one side. The shorter batch repeats its last image; image2
 * is Lanczos-resized to image1's height (left/right) or width (up/down) when matching, otherwise the
 * narrower one is centred with padding; missing channels are filled with ones; an optional spacing
 * strip of even width goes between them.
 */
public final class ImageStitch implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("ImageStitch", "comfy_extras.nodes_images")
                .displayName("Image Stitch")
                .description("\nStitches image2 to image1 in the specified direction.\n"
                        + "If image2 is not provided, returns image1 unchanged.\n"
                        + "Optional spacing can be added between images.\n")
                .category("image/transform")
                .input(Input.of("image1", "IMAGE").noOptions())
                .input(Input.combo("direction", "right", "down", "left", "up").option("default", "right"))
                .input(Input.of("match_image_size", "BOOLEAN").option("default", true))
                .input(Input.of("spacing_width", "INT").option("default", 0).option("min", 0).option("max", 1024).option("step", 2))
                .input(Input.combo("spacing_color", "white", "black", "red", "green", "blue").option("default", "white"))
                .input(Input.of("image2", "IMAGE").noOptions().optional())
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Tensor first = ImageSupport.tensor(in.get("image1"), "image1");
        Object second = in.getOr("image2", null);
        if (second == null) return NodeResult.of(first);
        Tensor image2In = ImageSupport.tensor(second, "image2");
        String direction = in.string("direction");
        boolean horizontal = switch (direction) {
            case "left", "right" -> true;
            case "up", "down" -> false;
            default -> throw PyError.valueError("unknown direction " + direction);
        };
        boolean match = in.bool("match_image_size");
        long spacingWidth = in.integer("spacing_width");
        double[] color = spacingColor(in.string("spacing_color"));
        return NodeResult.of(ImageSupport.compute(() -> {
            long batch = Math.max(first.size(0), image2In.size(0));
            Tensor image1 = repeatLastToBatch(first, batch);
            Tensor image2 = repeatLastToBatch(image2In, batch);
            if (match) {
                long h1 = image1.size(1), w1 = image1.size(2);
                double aspect = (double) image2.size(2) / image2.size(1);
                long targetW = horizontal ? (long) (h1 * aspect) : w1;
                long targetH = horizontal ? h1 : (long) (w1 / aspect);
                image2 = Resample.image(image2, targetW, targetH, "lanczos", "disabled");
            } else {
                // A single colour pads with its value; red, green and blue pad with black.
                double padValue = color.length == 1 ? color[0] : 0.0;
                int dim = horizontal ? 1 : 2;
                long target = Math.max(image1.size(dim), image2.size(dim));
                image1 = centrePad(image1, dim, target, padValue);
                image2 = centrePad(image2, dim, target, padValue);
            }
            long channels = Math.max(image1.size(3), image2.size(3));
            image1 = padChannelsWithOnes(image1, channels);
            image2 = padChannelsWithOnes(image2, channels);
            List<Tensor> parts = new ArrayList<>();
            boolean secondFirst = direction.equals("left") || direction.equals("up");
            parts.add(secondFirst ? image2 : image1);
            if (spacingWidth > 0) parts.add(spacing(image1, image2, spacingWidth + spacingWidth % 2, horizontal, color));
            parts.add(secondFirst ? image1 : image2);
            return Tensor.cat(parts, horizontal ? 2 : 1);
        }));
    }

    /** One value for white and black (all colour channels), three for red, green and blue. */
    private static double[] spacingColor(String name) {
        return switch (name) {
            case "white" -> new double[] {1.0};
            case "black" -> new double[] {0.0};
            case "red" -> new double[] {1.0, 0.0, 0.0};
            case "green" -> new double[] {0.0, 1.0, 0.0};
            case "blue" -> new double[] {0.0, 0.0, 1.0};
            default -> throw PyError.keyError(name);
        };
    }

    private static Tensor repeatLastToBatch(Tensor image, long batch) {
        long missing = batch - image.size(0);
        if (missing <= 0) return image;
        Tensor last = image.narrow(0, image.size(0) - 1, 1).repeat(missing, 1, 1, 1);
        return Tensor.cat(List.of(image, last), 0);
    }

    /** Pads dimension {@code dim} (1 = height, 2 = width) to {@code target}, the extra pixel after. */
    private static Tensor centrePad(Tensor image, int dim, long target, double value) {
        long missing = target - image.size(dim);
        if (missing <= 0) return image;
        long before = missing / 2, after = missing - before;
        long[] pads = dim == 1 ? new long[] {0, 0, 0, 0, before, after} : new long[] {0, 0, before, after};
        return Functional.pad(image, pads, value);
    }

    private static Tensor padChannelsWithOnes(Tensor image, long channels) {
        long missing = channels - image.size(3);
        if (missing <= 0) return image;
        Tensor ones = Tensor.ones(image.dtype(), image.size(0), image.size(1), image.size(2), missing);
        return Tensor.cat(List.of(image, ones), 3);
    }

    /** The strip between the images; with four channels its alpha is 1. */
    private static Tensor spacing(Tensor image1, Tensor image2, long width, boolean horizontal, double[] color) {
        long channels = image1.size(3);
        long h = horizontal ? Math.max(image1.size(1), image2.size(1)) : width;
        long w = horizontal ? width : Math.max(image1.size(2), image2.size(2));
        Tensor strip = Tensor.zeros(image1.dtype(), image1.size(0), h, w, channels);
        if (color.length == 1) {
            strip.narrow(3, 0, Math.min(3, channels)).fill_(color[0]);
        } else {
            for (int i = 0; i < color.length && i < channels; i++) strip.narrow(3, i, 1).fill_(color[i]);
        }
        if (channels == 4) strip.narrow(3, 3, 1).fill_(1.0);
        return strip;
    }
}
