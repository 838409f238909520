package dev.comfy4j.sampling;

import dev.comfy4j.model.unet.AdmEncoder;
import dev.comfy4j.model.unet.AdmInputs;
import dev.comfy4j.model.unet.AreaCond;
import dev.comfy4j.model.unet.Control;
import dev.comfy4j.sampling.control.ControlSpec;
import dev.comfy4j.tensor.DType;
import dev.comfy4j.tensor.Functional;
import dev.comfy4j.tensor.Interpolation;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * ComfyUI's {@code process_conds} for cross-attention models, once per sampler run: it turns the
 * entries of both sides into {@link AreaCond}s for a latent of {@code height x width}:
 *
 * <ol>
 *   <li>percentage areas become latent units: {@code (max(1, round(h * H)), max(1, round(w * W)),
 *       round(y * H), round(x * W))} with Python's round-half-even;</li>
 *   <li>masks get a batch dimension and are resized bilinearly to the latent; with
 *       {@code set_area_to_bounds} ("mask bounds") the area becomes the bounding box of the mask's
 *       non-zero pixels over the batch, at least 8x8, or {@code (8, 8, 0, 0)} for an empty mask;</li>
 *   <li>{@code start_percent} / {@code end_percent} become sigmas ({@code percent_to_sigma});</li>
 *   <li>for a model with an extra embedding (SDXL), each entry's {@code y} is made by the model's
 *       {@code encode_adm} ({@code encode_model_conds}): from the entry's pooled output and keys, the width and
 *       height defaulting to the latent's size times 8 and the prompt type to the side's;</li>
 *   <li>every entry with an area gets a twin on the other side with the same area, mask, strength and
 *       range and the context and y of the smallest entry there that contains it (the whole-image one if
 *       none), unless that one has the very same area ({@code create_cond_with_same_area_if_none};
 *       positive side first).</li>
 * </ol>
 *
 * <p>Resized masks and the y vectors are new tensors in the caller's scope.
 */
public final class CondResolver {
    /** {@code encode_model_conds}' size default: the latent's size in pixels ("TODO: 8 multiple should be set by the model"). */
    private static final int PIXELS_PER_LATENT = 8;
    /** {@code percent_to_sigma(0)}: above every sigma. */
    private static final double BEFORE_FIRST_SIGMA = 999999999.9;
    /** The smallest side of an area made from a mask's bounds. */
    private static final int MIN_BOUNDS_SIDE = 8;

    private CondResolver() {}

    /** Both sides resolved; {@code negative} may be empty. */
    public record Resolved(List<AreaCond> positive, List<AreaCond> negative) {}

    public static Resolved resolve(List<SamplingCond> positive, List<SamplingCond> negative, long height, long width,
            ModelSampling sampling) {
        return resolve(positive, negative, height, width, sampling, NO_CONTROLS);
    }

    /**
     * As {@link #resolve(List, List, long, long, ModelSampling)}, with each entry's ControlNet chain opened by
     * {@code controls} (called once per entry that has one; it must return the same {@link Control} for the
     * same spec object). Entries of the old ControlNetApply ({@code control_apply_to_uncond}) lend their
     * control to the negative side ({@code apply_empty_x_to_equal_area}).
     */
    public static Resolved resolve(List<SamplingCond> positive, List<SamplingCond> negative, long height, long width,
            ModelSampling sampling, Function<ControlSpec, Control> controls) {
        return resolve(positive, negative, height, width, sampling, controls, null);
    }

    /**
     * As {@link #resolve(List, List, long, long, ModelSampling, Function)} for a model whose UNet takes the
     * extra embedding {@code adm} makes (null: none); the negative side's entries are of prompt type
     * "negative" unless they say otherwise.
     */
    public static Resolved resolve(List<SamplingCond> positive, List<SamplingCond> negative, long height, long width,
            ModelSampling sampling, Function<ControlSpec, Control> controls, AdmEncoder adm) {
        List<SamplingCond> typedNegative = negative.stream().map(c -> c.withPromptType(NEGATIVE, false)).toList();
        List<List<AreaCond>> sides = resolveAll(List.of(positive, typedNegative), height, width, sampling, controls, adm);
        return new Resolved(sides.get(0), sides.get(1));
    }

    /** The {@code prompt_type} of the negative side ({@code process_conds} names the conds "positive", "negative"). */
    public static final String NEGATIVE = "negative";
    /** The {@code prompt_type} of every entry that does not set one and is not on the negative side. */
    public static final String POSITIVE = "positive";

    /**
     * Any number of conditionings resolved together (a guider's named conds in the guider's order, the
     * positive first): every area entry of each side, in turn, gets its twin on every other side, and the
     * positive's old-ControlNetApply controls are lent to every other side.
     */
    public static List<List<AreaCond>> resolveAll(List<List<SamplingCond>> sides, long height, long width, ModelSampling sampling,
            Function<ControlSpec, Control> controls) {
        return resolveAll(sides, height, width, sampling, controls, null);
    }

    /**
     * As {@link #resolveAll(List, long, long, ModelSampling, Function)} with each entry's y made by {@code adm}
     * (null: the model takes none); entries without a prompt type are "positive" (guiders set "negative" where
     * ComfyUI's do).
     */
    public static List<List<AreaCond>> resolveAll(List<List<SamplingCond>> sides, long height, long width, ModelSampling sampling,
            Function<ControlSpec, Control> controls, AdmEncoder adm) {
        List<List<AreaCond>> resolved = new ArrayList<>();
        for (int k = 0; k < sides.size(); k++) {
            List<SamplingCond> side = k == 0 ? sides.get(0) : controlsToUncond(sides.get(0), sides.get(k));
            List<AreaCond> out = new ArrayList<>();
            for (SamplingCond c : side) {
                AreaCond r = withControl(resolve(c, height, width, sampling), c, controls);
                out.add(adm == null ? r : r.withY(adm.encode(admInputs(c, height, width))));
            }
            resolved.add(out);
        }
        for (int k = 0; k < resolved.size(); k++) {
            for (AreaCond c : List.copyOf(resolved.get(k))) {
                for (int other = 0; other < resolved.size(); other++) if (other != k) addTwinIfNone(resolved.get(other), c);
            }
        }
        return resolved.stream().map(List::copyOf).toList();
    }

    /**
     * {@code encode_model_conds}' arguments to {@code extra_conds}: the entry's own keys, width and height defaulting
     * to the latent's pixel size, the prompt type to "positive".
     */
    static AdmInputs admInputs(SamplingCond c, long height, long width) {
        AdmInputs own = c.adm() == null ? AdmInputs.NONE : c.adm();
        java.util.Map<String, Double> values = new java.util.HashMap<>(own.values());
        values.putIfAbsent("width", (double) (width * PIXELS_PER_LATENT));
        values.putIfAbsent("height", (double) (height * PIXELS_PER_LATENT));
        return new AdmInputs(own.pooled(), values, own.promptType() == null ? POSITIVE : own.promptType());
    }

    private static final Function<ControlSpec, Control> NO_CONTROLS = spec -> {
        throw new UnsupportedOperationException("this model takes no ControlNet");
    };

    private static AreaCond withControl(AreaCond resolved, SamplingCond c, Function<ControlSpec, Control> controls) {
        return c.control() == null ? resolved : resolved.withControl(controls.apply(c.control()));
    }

    /**
     * {@code apply_empty_x_to_equal_area(positive entries with control_apply_to_uncond, negative, 'control')}:
     * unless a negative entry without area has a control already, the x-th control of those positive entries
     * (without area) goes to the (x mod n)-th negative entry without area and without control.
     */
    static List<SamplingCond> controlsToUncond(List<SamplingCond> positive, List<SamplingCond> negative) {
        List<ControlSpec> condControls = new ArrayList<>();
        for (SamplingCond c : positive) {
            if (c.controlApplyToUncond() && !hasArea(c) && c.control() != null) condControls.add(c.control());
        }
        if (condControls.isEmpty()) return negative;
        List<Integer> uncondOther = new ArrayList<>();
        for (int i = 0; i < negative.size(); i++) {
            SamplingCond c = negative.get(i);
            if (hasArea(c)) continue;
            if (c.control() != null) return negative;
            uncondOther.add(i);
        }
        if (uncondOther.isEmpty()) return negative; // ComfyUI divides by zero here
        List<SamplingCond> out = new ArrayList<>(negative);
        for (int x = 0; x < condControls.size(); x++) {
            int index = uncondOther.get(x % uncondOther.size());
            out.set(index, negative.get(index).withControl(condControls.get(x)));
        }
        return out;
    }

    /** Whether the entry has an {@code area} once {@code resolve_areas_and_cond_masks} ran. */
    private static boolean hasArea(SamplingCond c) {
        return c.area() != null || (c.mask() != null && c.setAreaToBounds());
    }

    static AreaCond resolve(SamplingCond c, long height, long width, ModelSampling sampling) {
        int[] area = null;
        if (c.area() != null) {
            double[] a = c.area();
            area = c.areaIsPercentage()
                    ? new int[]{(int) Math.max(1, Math.rint(a[0] * height)), (int) Math.max(1, Math.rint(a[1] * width)),
                        (int) Math.rint(a[2] * height), (int) Math.rint(a[3] * width)}
                    : new int[]{(int) a[0], (int) a[1], (int) a[2], (int) a[3]};
        }
        Tensor mask = null;
        if (c.mask() != null) {
            mask = c.mask().dim() == 2 ? c.mask().unsqueeze(0) : c.mask();
            if (mask.dtype() != DType.F32) mask = mask.to(DType.F32);
            if (mask.size(1) != height || mask.size(2) != width) {
                mask = Functional.interpolate(mask.unsqueeze(1), height, width, Interpolation.BILINEAR, false).squeeze(1);
            }
            if (c.setAreaToBounds()) area = bounds(mask);
        }
        Double start = c.startPercent() == null ? null : percentToSigma(sampling, c.startPercent());
        Double end = c.endPercent() == null ? null : percentToSigma(sampling, c.endPercent());
        return new AreaCond(c.crossAttn(), area, c.strength() == null ? 1.0 : c.strength(), mask,
                c.maskStrength() == null ? 1.0 : c.maskStrength(), start, end);
    }

    /** ModelSamplingDiscrete's {@code percent_to_sigma}. */
    public static double percentToSigma(ModelSampling sampling, double percent) {
        if (percent <= 0.0) return BEFORE_FIRST_SIGMA;
        if (percent >= 1.0) return 0.0;
        return sampling.sigma((float) ((1.0 - percent) * 999.0));
    }

    /** The {@code (H, W, Y, X)} box of the mask's non-zero pixels over the whole batch ({@code get_mask_aabb}). */
    static int[] bounds(Tensor mask) {
        Tensor any = mask.abs().amax(new long[]{0}, false);
        long h = any.size(0);
        long w = any.size(1);
        float[] v = any.contiguous().toFloatArray();
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = -1;
        int maxY = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (v[(int) (y * w + x)] != 0f) {
                    minX = Math.min(minX, x);
                    minY = Math.min(minY, y);
                    maxX = Math.max(maxX, x);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        if (maxX < 0) return new int[]{MIN_BOUNDS_SIDE, MIN_BOUNDS_SIDE, 0, 0};
        return new int[]{Math.max(MIN_BOUNDS_SIDE, maxY - minY + 1), Math.max(MIN_BOUNDS_SIDE, maxX - minX + 1), minY, minX};
    }

    /** {@code create_cond_with_same_area_if_none}: gives {@code side} an entry covering {@code c}'s area. */
    static void addTwinIfNone(List<AreaCond> side, AreaCond c) {
        int[] area = c.area();
        if (area == null) return;
        AreaCond smallest = null;
        for (AreaCond x : side) {
            int[] a = x.area();
            if (a != null) {
                if (inside(area, a)) {
                    if (smallest == null || smallest.area() == null) smallest = x;
                    else if ((long) smallest.area()[0] * smallest.area()[1] > (long) a[0] * a[1]) smallest = x;
                }
            } else if (smallest == null) {
                smallest = x;
            }
        }
        if (smallest == null) return;
        if (smallest.area() != null && java.util.Arrays.equals(smallest.area(), area)) return;
        // out['model_conds'] = smallest['model_conds'].copy(): the context and the y
        side.add(c.withCrossAttn(smallest.crossAttn()).withY(smallest.y()));
    }

    /** Whether area {@code a} lies inside {@code outer} (both {@code [h, w, y, x]}). */
    private static boolean inside(int[] a, int[] outer) {
        for (int i = 0; i < 2; i++) {
            if (a[2 + i] < outer[2 + i]) return false;
            if (a[i] + a[2 + i] > outer[i] + outer[2 + i]) return false;
        }
        return true;
    }
}
