package dev.comfy4j.model.control;

import dev.comfy4j.model.UnetConfig;
import dev.comfy4j.model.unet.T2iAdapter;
import java.util.Map;

/**
 * What a ControlNet-folder file holds, as {@link ControlNetFiles} read it: the network and, for each weight
 * the network loads (its name in the original layout, without prefix), the file's key.
 */
public sealed interface ControlNetFormat {
    /** Weight names of the network to keys of the file. */
    Map<String, String> names();

    /** A short description for logs and errors. */
    String describe();

    /**
     * A ControlNet ({@code cldm.ControlNet}).
     *
     * @param config the UNet configuration its copy of the encoder has
     * @param hintChannels channels of the hint image (3)
     * @param difference a "diff" ControlNet: its weights are differences to the UNet of the model it is
     *     loaded for ({@code difference} key); DiffControlNetLoader adds the model's weights
     * @param diffusers whether the file was in the diffusers layout
     */
    record ControlNet(Map<String, String> names, UnetConfig config, long hintChannels, boolean difference, boolean diffusers)
            implements ControlNetFormat {
        public ControlNet {
            names = Map.copyOf(names);
        }

        @Override
        public String describe() {
            return (difference ? "diff " : "") + "ControlNet (" + (diffusers ? "diffusers" : "original") + " layout, width "
                    + config.modelChannels() + ", context " + config.contextDim() + ")";
        }
    }

    /**
     * A T2I-Adapter.
     *
     * @param cin the unshuffled input width (64 per hint channel)
     * @param channels the four level widths
     * @param ksize the kernel of the full adapter's res blocks (1 or 3)
     * @param useConv whether the full adapter downsamples with a convolution (else average pooling)
     */
    record T2i(Map<String, String> names, T2iAdapter.Kind kind, long cin, long[] channels, int ksize, boolean useConv)
            implements ControlNetFormat {
        public T2i {
            names = Map.copyOf(names);
            channels = channels.clone();
        }

        @Override
        public String describe() {
            return "T2I-Adapter (" + kind.name().toLowerCase(java.util.Locale.ROOT) + ", " + cin / 64 + " hint channels)";
        }
    }
}
