package dev.comfy4j.nodes.image;

import dev.comfy4j.files.Folders;
import dev.comfy4j.nodes.NodeRegistry;
import dev.comfy4j.nodes.conditioning.ConditioningNodes;
import dev.comfy4j.nodes.latent.EmptyLatentImage;
import dev.comfy4j.nodes.latent.EmptySD3LatentImage;
import dev.comfy4j.nodes.latent.LatentAdd;
import dev.comfy4j.nodes.latent.LatentApplyOperation;
import dev.comfy4j.nodes.latent.LatentBatch;
import dev.comfy4j.nodes.latent.LatentBatchSeedBehavior;
import dev.comfy4j.nodes.latent.LatentBlend;
import dev.comfy4j.nodes.latent.LatentComposite;
import dev.comfy4j.nodes.latent.LatentCompositeMasked;
import dev.comfy4j.nodes.latent.LatentConcat;
import dev.comfy4j.nodes.latent.LatentCrop;
import dev.comfy4j.nodes.latent.LatentCut;
import dev.comfy4j.nodes.latent.LatentFlip;
import dev.comfy4j.nodes.latent.LatentFromBatch;
import dev.comfy4j.nodes.latent.LatentInterpolate;
import dev.comfy4j.nodes.latent.LatentMultiply;
import dev.comfy4j.nodes.latent.LatentOperationSharpen;
import dev.comfy4j.nodes.latent.LatentOperationTonemapReinhard;
import dev.comfy4j.nodes.latent.LatentRotate;
import dev.comfy4j.nodes.latent.LatentSubtract;
import dev.comfy4j.nodes.latent.LatentUpscale;
import dev.comfy4j.nodes.latent.LatentUpscaleBy;
import dev.comfy4j.nodes.latent.LoadLatent;
import dev.comfy4j.nodes.latent.RebatchLatents;
import dev.comfy4j.nodes.latent.RepeatLatentBatch;
import dev.comfy4j.nodes.latent.SaveLatent;
import dev.comfy4j.nodes.latent.SetLatentNoiseMask;
import dev.comfy4j.nodes.mask.CropMask;
import dev.comfy4j.nodes.mask.FeatherMask;
import dev.comfy4j.nodes.mask.GrowMask;
import dev.comfy4j.nodes.mask.ImageColorToMask;
import dev.comfy4j.nodes.mask.ImageToMask;
import dev.comfy4j.nodes.mask.InvertMask;
import dev.comfy4j.nodes.mask.MaskComposite;
import dev.comfy4j.nodes.mask.MaskPreview;
import dev.comfy4j.nodes.mask.MaskToImage;
import dev.comfy4j.nodes.mask.SolidMask;
import dev.comfy4j.nodes.mask.ThresholdMask;

/**
 * Registers the image, mask and latent nodes in ComfyUI's {@code /object_info} order (nodes.py, then
 * comfy_extras in load order). Nodes that touch files need {@code folders} and are skipped without it.
 */
public final class ImageNodes {
    private ImageNodes() {}

    /** Everything that comes before the primitive and string nodes in /object_info. */
    public static void register(NodeRegistry r, Folders folders) {
        boolean files = folders != null;
        r.register(EmptyLatentImage::new);
        r.register(LatentUpscale::new);
        r.register(LatentUpscaleBy::new);
        r.register(LatentFromBatch::new);
        r.register(RepeatLatentBatch::new);
        if (files) {
            r.register(() -> new SaveImage(folders));
            r.register(() -> new PreviewImage(folders));
            r.register(() -> new LoadImage(folders));
            r.register(() -> new LoadImageMask(folders));
            r.register(() -> new LoadImageOutput(folders));
        }
        r.register(ImageScale::new);
        r.register(ImageScaleBy::new);
        r.register(ImageInvert::new);
        r.register(ImageBatch::new);
        r.register(ImagePadForOutpaint::new);
        r.register(EmptyImage::new);
        ConditioningNodes.registerBasic(r);
        r.register(SetLatentNoiseMask::new);
        r.register(LatentComposite::new);
        r.register(LatentBlend::new);
        r.register(LatentRotate::new);
        r.register(LatentFlip::new);
        r.register(LatentCrop::new);
        ConditioningNodes.registerUnClip(r);
        if (files) {
            r.register(() -> new LoadLatent(folders));
            r.register(() -> new SaveLatent(folders));
        }
        ConditioningNodes.registerAdvanced(r);
        r.register(LatentAdd::new);
        r.register(LatentSubtract::new);
        r.register(LatentMultiply::new);
        r.register(LatentInterpolate::new);
        r.register(LatentConcat::new);
        r.register(LatentCut::new);
        r.register(LatentBatch::new);
        r.register(LatentBatchSeedBehavior::new);
        r.register(LatentApplyOperation::new);
        r.register(LatentOperationTonemapReinhard::new);
        r.register(LatentOperationSharpen::new);
        r.register(ImageBlend::new);
        r.register(ImageBlur::new);
        r.register(ImageQuantize::new);
        r.register(ImageSharpen::new);
        r.register(ImageScaleToTotalPixels::new);
        r.register(LatentCompositeMasked::new);
        r.register(ImageCompositeMasked::new);
        r.register(MaskToImage::new);
        r.register(ImageToMask::new);
        r.register(ImageColorToMask::new);
        r.register(SolidMask::new);
        r.register(InvertMask::new);
        r.register(CropMask::new);
        r.register(MaskComposite::new);
        r.register(FeatherMask::new);
        r.register(GrowMask::new);
        r.register(ThresholdMask::new);
        if (files) r.register(() -> new MaskPreview(folders));
        r.register(PorterDuffImageComposite::new);
        r.register(SplitImageWithAlpha::new);
        r.register(JoinImageWithAlpha::new);
        r.register(RebatchLatents::new);
        r.register(RebatchImages::new);
        r.register(Canny::new);
        r.register(ImageCrop::new);
        r.register(RepeatImageBatch::new);
        r.register(ImageFromBatch::new);
        r.register(ImageAddNoise::new);
        if (files) r.register(() -> new SaveAnimatedWEBP(folders));
        if (files) r.register(() -> new SaveAnimatedPNG(folders));
        if (files) r.register(() -> new SaveSVGNode(folders));
        r.register(ImageStitch::new);
        r.register(ResizeAndPadImage::new);
        r.register(GetImageSize::new);
        r.register(ImageRotate::new);
        r.register(ImageFlip::new);
        r.register(ImageScaleToMaxDimension::new);
        r.register(Morphology::new);
        r.register(ImageRGBToYUV::new);
        r.register(ImageYUVToRGB::new);
        if (files) r.register(() -> new WebcamCapture(folders));
        r.register(EmptySD3LatentImage::new);
    }
}
