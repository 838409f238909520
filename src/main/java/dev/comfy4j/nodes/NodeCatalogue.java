package dev.comfy4j.nodes;

import dev.comfy4j.nodes.conditioning.ConditioningAverage;
import dev.comfy4j.nodes.conditioning.ConditioningCombine;
import dev.comfy4j.nodes.conditioning.ConditioningConcat;
import dev.comfy4j.nodes.conditioning.ConditioningSetArea;
import dev.comfy4j.nodes.conditioning.ConditioningSetAreaPercentage;
import dev.comfy4j.nodes.conditioning.ConditioningSetAreaStrength;
import dev.comfy4j.nodes.conditioning.ConditioningSetMask;
import dev.comfy4j.nodes.conditioning.ConditioningSetTimestepRange;
import dev.comfy4j.nodes.conditioning.ConditioningZeroOut;
import dev.comfy4j.nodes.conditioning.UnClipConditioning;
import dev.comfy4j.nodes.image.Canny;
import dev.comfy4j.nodes.image.EmptyImage;
import dev.comfy4j.nodes.image.GetImageSize;
import dev.comfy4j.nodes.image.ImageAddNoise;
import dev.comfy4j.nodes.image.ImageBatch;
import dev.comfy4j.nodes.image.ImageBlend;
import dev.comfy4j.nodes.image.ImageBlur;
import dev.comfy4j.nodes.image.ImageCompositeMasked;
import dev.comfy4j.nodes.image.ImageCrop;
import dev.comfy4j.nodes.image.ImageFlip;
import dev.comfy4j.nodes.image.ImageFromBatch;
import dev.comfy4j.nodes.image.ImageInvert;
import dev.comfy4j.nodes.image.ImagePadForOutpaint;
import dev.comfy4j.nodes.image.ImageQuantize;
import dev.comfy4j.nodes.image.ImageRGBToYUV;
import dev.comfy4j.nodes.image.ImageRotate;
import dev.comfy4j.nodes.image.ImageScale;
import dev.comfy4j.nodes.image.ImageScaleBy;
import dev.comfy4j.nodes.image.ImageScaleToMaxDimension;
import dev.comfy4j.nodes.image.ImageScaleToTotalPixels;
import dev.comfy4j.nodes.image.ImageSharpen;
import dev.comfy4j.nodes.image.ImageStitch;
import dev.comfy4j.nodes.image.ImageYUVToRGB;
import dev.comfy4j.nodes.image.JoinImageWithAlpha;
import dev.comfy4j.nodes.image.LoadImage;
import dev.comfy4j.nodes.image.LoadImageMask;
import dev.comfy4j.nodes.image.LoadImageOutput;
import dev.comfy4j.nodes.image.Morphology;
import dev.comfy4j.nodes.image.PorterDuffImageComposite;
import dev.comfy4j.nodes.image.PreviewImage;
import dev.comfy4j.nodes.image.RebatchImages;
import dev.comfy4j.nodes.image.RepeatImageBatch;
import dev.comfy4j.nodes.image.ResizeAndPadImage;
import dev.comfy4j.nodes.image.SaveAnimatedPNG;
import dev.comfy4j.nodes.image.SaveAnimatedWEBP;
import dev.comfy4j.nodes.image.SaveImage;
import dev.comfy4j.nodes.image.SaveImageWebsocket;
import dev.comfy4j.nodes.image.SaveSVGNode;
import dev.comfy4j.nodes.image.SplitImageWithAlpha;
import dev.comfy4j.nodes.image.WebcamCapture;
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
import dev.comfy4j.nodes.primitive.PrimitiveBoolean;
import dev.comfy4j.nodes.primitive.PrimitiveFloat;
import dev.comfy4j.nodes.primitive.PrimitiveInt;
import dev.comfy4j.nodes.primitive.PrimitiveString;
import dev.comfy4j.nodes.primitive.PrimitiveStringMultiline;
import dev.comfy4j.nodes.string.CaseConverter;
import dev.comfy4j.nodes.string.RegexExtract;
import dev.comfy4j.nodes.string.RegexMatch;
import dev.comfy4j.nodes.string.RegexReplace;
import dev.comfy4j.nodes.string.StringCompare;
import dev.comfy4j.nodes.string.StringConcatenate;
import dev.comfy4j.nodes.string.StringContains;
import dev.comfy4j.nodes.string.StringLength;
import dev.comfy4j.nodes.string.StringReplace;
import dev.comfy4j.nodes.string.StringSubstring;
import dev.comfy4j.nodes.string.StringTrim;
import dev.comfy4j.nodes.utils.PreviewAny;

/**
 * The built-in node catalogue, every node in ComfyUI's {@code /object_info} order (nodes.py first,
 * then comfy_extras in load order). Adding a node is one line at its place in that order: a
 * no-argument constructor ({@code r.register(ImageInvert::new)}) or one that takes the services
 * ({@code r.register(CheckpointLoaderSimple::new)} for a constructor of {@link NodeServices}).
 */
public final class NodeCatalogue {
    private NodeCatalogue() {}

    /** Every built-in node, given {@code services}. */
    public static NodeRegistry registry(NodeServices services) {
        Registrar r = new Registrar(new NodeRegistry(), services);
        r.register(EmptyLatentImage::new);
        r.register(LatentUpscale::new);
        r.register(LatentUpscaleBy::new);
        r.register(LatentFromBatch::new);
        r.register(RepeatLatentBatch::new);
        r.register(s -> new SaveImage(s.folders()));
        r.register(s -> new PreviewImage(s.folders()));
        r.register(s -> new LoadImage(s.folders()));
        r.register(s -> new LoadImageMask(s.folders()));
        r.register(s -> new LoadImageOutput(s.folders()));
        r.register(ImageScale::new);
        r.register(ImageScaleBy::new);
        r.register(ImageInvert::new);
        r.register(ImageBatch::new);
        r.register(ImagePadForOutpaint::new);
        r.register(EmptyImage::new);
        r.register(ConditioningAverage::new);
        r.register(ConditioningCombine::new);
        r.register(ConditioningConcat::new);
        r.register(ConditioningSetArea::new);
        r.register(ConditioningSetAreaPercentage::new);
        r.register(ConditioningSetAreaStrength::new);
        r.register(ConditioningSetMask::new);
        r.register(SetLatentNoiseMask::new);
        r.register(LatentComposite::new);
        r.register(LatentBlend::new);
        r.register(LatentRotate::new);
        r.register(LatentFlip::new);
        r.register(LatentCrop::new);
        r.register(UnClipConditioning::new);
        r.register(s -> new LoadLatent(s.folders()));
        r.register(s -> new SaveLatent(s.folders()));
        r.register(ConditioningZeroOut::new);
        r.register(ConditioningSetTimestepRange::new);
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
        r.register(s -> new MaskPreview(s.folders()));
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
        r.register(s -> new SaveAnimatedWEBP(s.folders()));
        r.register(s -> new SaveAnimatedPNG(s.folders()));
        r.register(s -> new SaveSVGNode(s.folders()));
        r.register(ImageStitch::new);
        r.register(ResizeAndPadImage::new);
        r.register(GetImageSize::new);
        r.register(ImageRotate::new);
        r.register(ImageFlip::new);
        r.register(ImageScaleToMaxDimension::new);
        r.register(Morphology::new);
        r.register(ImageRGBToYUV::new);
        r.register(ImageYUVToRGB::new);
        r.register(s -> new WebcamCapture(s.folders()));
        r.register(EmptySD3LatentImage::new);
        r.register(PrimitiveString::new);
        r.register(PrimitiveStringMultiline::new);
        r.register(PrimitiveInt::new);
        r.register(PrimitiveFloat::new);
        r.register(PrimitiveBoolean::new);
        r.register(PreviewAny::new);
        r.register(StringConcatenate::new);
        r.register(StringSubstring::new);
        r.register(StringLength::new);
        r.register(CaseConverter::new);
        r.register(StringTrim::new);
        r.register(StringReplace::new);
        r.register(StringContains::new);
        r.register(StringCompare::new);
        r.register(RegexMatch::new);
        r.register(RegexExtract::new);
        r.register(RegexReplace::new);
        r.register(SaveImageWebsocket::new);
        return r.registry;
    }

    /** Registers node factories with or without the services. */
    private record Registrar(NodeRegistry registry, NodeServices services) {
        void register(java.util.function.Supplier<? extends Node> factory) {
            registry.register(factory);
        }

        void register(java.util.function.Function<NodeServices, ? extends Node> factory) {
            registry.register(() -> factory.apply(services));
        }
    }
}
