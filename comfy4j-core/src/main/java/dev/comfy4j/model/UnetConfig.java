package dev.comfy4j.model;

import java.util.List;

/**
 * The UNet hyper-parameters read off a state dict, as ComfyUI's {@code detect_unet_config} computes
 * them for the LDM/SGM UNet.
 *
 * @param transformerDepth transformer blocks after each input res block (0 where there is none)
 * @param transformerDepthOutput the same for each output res block
 * @param transformerDepthMiddle transformer blocks in the middle block; -1 for none, -2 for no middle block
 * @param contextDim cross-attention context width; null when the UNet has no transformer
 * @param admInChannels width of the extra "label" (pooled text + size) embedding; null when absent
 */
public record UnetConfig(int inChannels, int outChannels, int modelChannels, List<Integer> numResBlocks,
        List<Integer> channelMult, List<Integer> transformerDepth, List<Integer> transformerDepthOutput,
        int transformerDepthMiddle, boolean useLinearInTransformer, Integer contextDim, Integer admInChannels,
        boolean temporal) {
    public UnetConfig {
        numResBlocks = List.copyOf(numResBlocks);
        channelMult = List.copyOf(channelMult);
        transformerDepth = List.copyOf(transformerDepth);
        transformerDepthOutput = List.copyOf(transformerDepthOutput);
    }
}
