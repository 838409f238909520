package dev.comfy4j.nodes.sampling;

import dev.comfy4j.model.unet.AdmInputs;
import dev.comfy4j.nodes.conditioning.Conditioning;
import dev.comfy4j.python.PyError;
import dev.comfy4j.sampling.SamplingCond;
import dev.comfy4j.sampling.control.ControlSpec;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a CONDITIONING value's entries into what the sampler takes: the keys ComfyUI's sampler reads. */
final class SamplingConds {
    /**
     * The numeric keys the SDXL models' {@code encode_adm} reads (set by CLIPTextEncodeSDXL and
     * CLIPTextEncodeSDXLRefiner).
     */
    static final List<String> ADM_KEYS = List.of("width", "height", "crop_w", "crop_h", "target_width", "target_height",
            "aesthetic_score");
    private static final String PROMPT_TYPE = "prompt_type";

    private SamplingConds() {}

    static List<SamplingCond> of(Conditioning conditioning) {
        List<SamplingCond> out = new ArrayList<>();
        for (Conditioning.Entry e : conditioning.entries()) out.add(of(e));
        return out;
    }

    static SamplingCond of(Conditioning.Entry e) {
        double[] area = null;
        boolean percentage = false;
        if (e.has(Conditioning.AREA)) {
            if (!(e.get(Conditioning.AREA) instanceof List<?> values)) throw PyError.typeError("area must be a tuple");
            percentage = !values.isEmpty() && "percentage".equals(values.get(0));
            List<?> numbers = percentage ? values.subList(1, values.size()) : values;
            if (numbers.size() != 4) throw PyError.valueError("area must hold height, width, y and x, not " + values);
            area = new double[4];
            for (int i = 0; i < 4; i++) area[i] = number(numbers.get(i), Conditioning.AREA);
        }
        Tensor mask = null;
        if (e.get(Conditioning.MASK) != null) {
            if (!(e.get(Conditioning.MASK) instanceof Tensor t)) throw PyError.typeError("mask must be a tensor");
            mask = t;
        }
        ControlSpec control = null;
        if (e.get(Conditioning.CONTROL) != null) {
            if (!(e.get(Conditioning.CONTROL) instanceof ControlSpec c)) throw PyError.typeError("control must be a ControlNet");
            control = c;
        }
        return new SamplingCond(e.cond(), area, percentage, optional(e, Conditioning.STRENGTH), mask,
                Boolean.TRUE.equals(e.get(Conditioning.SET_AREA_TO_BOUNDS)), optional(e, Conditioning.MASK_STRENGTH),
                optional(e, Conditioning.START_PERCENT), optional(e, Conditioning.END_PERCENT), control,
                Boolean.TRUE.equals(e.get(Conditioning.CONTROL_APPLY_TO_UNCOND)), adm(e));
    }

    /** The pooled output, the size and score keys present (None counts as absent), and the prompt type. */
    private static AdmInputs adm(Conditioning.Entry e) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (String key : ADM_KEYS) {
            Double v = optional(e, key);
            if (v != null) values.put(key, v);
        }
        Object type = e.get(PROMPT_TYPE);
        if (type != null && !(type instanceof String)) throw PyError.typeError("prompt_type must be a string");
        return new AdmInputs(e.pooledOutput(), values, (String) type);
    }

    private static Double optional(Conditioning.Entry e, String key) {
        return e.get(key) == null ? null : number(e.get(key), key);
    }

    private static double number(Object value, String key) {
        if (value instanceof Number n) return n.doubleValue();
        throw PyError.typeError(key + " must be a number, not " + (value == null ? "None" : value.getClass().getSimpleName()));
    }
}
