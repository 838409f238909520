package dev.comfy4j.nodes.image;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.Tensor;

/**
 * Morphology (ImageMorphology): kornia's grey morphology with a kernel_size x kernel_size square of
 * ones, per channel.
 */
public final class Morphology implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v3("Morphology", "comfy_extras.nodes_morphology")
                .displayName("ImageMorphology")
                .category("image/postprocessing")
                .input(Input.of("image", "IMAGE"))
                .input(Input.combo("operation", "erode", "dilate", "open", "close", "gradient", "bottom_hat", "top_hat"))
                .input(Input.of("kernel_size", "INT").option("default", 3).option("min", 3).option("max", 999).option("step", 1))
                .output(Output.of("IMAGE"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) {
        Tensor image = ImageSupport.tensor(in.get("image"), "image");
        String operation = in.string("operation");
        int k = Math.toIntExact(in.integer("kernel_size"));
        return NodeResult.of(ImageSupport.compute(() -> switch (operation) {
            case "erode" -> FlatMorphology.erode(image, k);
            case "dilate" -> FlatMorphology.dilate(image, k);
            case "open" -> FlatMorphology.open(image, k);
            case "close" -> FlatMorphology.close(image, k);
            case "gradient" -> FlatMorphology.dilate(image, k).sub(FlatMorphology.erode(image, k));
            case "top_hat" -> image.sub(FlatMorphology.open(image, k));
            case "bottom_hat" -> FlatMorphology.close(image, k).sub(image);
            default -> throw PyError.valueError("Invalid operation " + operation + " for morphology. Must be one of 'erode', "
                    + "'dilate', 'open', 'close', 'gradient', 'tophat', 'bottomhat'");
        }));
    }
}
