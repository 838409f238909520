package dev.comfy4j.nodes.conditioning;

import dev.comfy4j.nodes.HoldsTensors;
import dev.comfy4j.python.PyError;
import dev.comfy4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * ComfyUI's CONDITIONING value: an ordered list of entries, each a token tensor with an options dict
 * (Python {@code [[cond, {"pooled_output": ..., ...}], ...]}). See the package documentation for the
 * keys the nodes set and how the sampler reads them.
 *
 * <p>Immutable. ComfyUI's nodes never change an incoming entry: they build new entries with a copy of
 * the dict ({@code node_helpers.conditioning_set_values}). Here every update returns a new value and
 * untouched entries, tensors and option values are shared, exactly as ComfyUI shares them. The
 * tensors are owned by whoever produced them (for node outputs: the engine's output cache).
 *
 * @param entries the entries in order; the sampler treats each as one conditioning to mix
 */
public record Conditioning(List<Entry> entries) implements HoldsTensors {
    /** Pooled text embedding, [B, dim] tensor or None (SDXL, SD3, Flux read it; SD1.x ignores it). */
    public static final String POOLED_OUTPUT = "pooled_output";
    /** {@code [h//8, w//8, y//8, x//8]} in latent units, or {@code ["percentage", h, w, y, x]} as fractions. */
    public static final String AREA = "area";
    /** Weight of an area entry when conds are mixed (float). */
    public static final String STRENGTH = "strength";
    /** Whether the sampler replaces area/mask by the mask's bounding box (bool). */
    public static final String SET_AREA_TO_BOUNDS = "set_area_to_bounds";
    /** [B, H, W] float mask limiting where the entry applies. */
    public static final String MASK = "mask";
    /** Weight of the mask (float). */
    public static final String MASK_STRENGTH = "mask_strength";
    /** Fraction of the sampling schedule where the entry starts / stops applying (floats, 0 = first step). */
    public static final String START_PERCENT = "start_percent";
    public static final String END_PERCENT = "end_percent";
    /** The entry's ControlNet chain (a {@code sampling.control.ControlSpec}), set by the ControlNet apply nodes. */
    public static final String CONTROL = "control";
    /** Whether the sampler lends the entry's control to the negative side (bool; True from the old ControlNetApply). */
    public static final String CONTROL_APPLY_TO_UNCOND = "control_apply_to_uncond";
    /** List of {@code {"clip_vision_output", "strength", "noise_augmentation"}} dicts (unCLIP models). */
    public static final String UNCLIP_CONDITIONING = "unclip_conditioning";
    /** Lyrics embedding of audio models (tensor); zeroed by ConditioningZeroOut like the tokens. */
    public static final String CONDITIONING_LYRICS = "conditioning_lyrics";

    public Conditioning {
        entries = List.copyOf(entries);
    }

    /** The token tensors and every tensor among the options (pooled output, masks, nested values). */
    @Override
    public void forEachTensor(Consumer<Tensor> action) {
        for (Entry e : entries) {
            action.accept(e.cond());
            HoldsTensors.forEach(e.options(), action);
        }
    }

    public static Conditioning of(Entry... entries) {
        return new Conditioning(List.of(entries));
    }

    /** One entry: what a text encoder returns ({@code [[cond, {"pooled_output": pooled}]]}). */
    public static Conditioning of(Tensor cond, Map<String, Object> options) {
        return of(new Entry(cond, options));
    }

    /** A node input that must be a CONDITIONING, with a Python-style error otherwise. */
    public static Conditioning from(Object value, String inputName) {
        if (value instanceof Conditioning c) return c;
        throw PyError.typeError("input '" + inputName + "' must be a CONDITIONING, not "
                + (value == null ? "None" : value.getClass().getSimpleName()));
    }

    public int size() {
        return entries.size();
    }

    public Entry get(int index) {
        return entries.get(index);
    }

    /** Python's {@code self + other}: the entries of both, in order. */
    public Conditioning plus(Conditioning other) {
        List<Entry> all = new ArrayList<>(entries);
        all.addAll(other.entries);
        return new Conditioning(all);
    }

    /** A new conditioning with {@code update} applied to every entry. */
    public Conditioning map(UnaryOperator<Entry> update) {
        return new Conditioning(entries.stream().map(update).toList());
    }

    /** {@code node_helpers.conditioning_set_values(c, values)}: every entry gets these keys set. */
    public Conditioning withValues(Map<String, ?> values) {
        return map(e -> e.withValues(values));
    }

    /**
     * {@code conditioning_set_values(c, values, append=True)}: each list is appended to the entry's
     * existing list under that key (a new list; the old one is left alone), or set when the entry has
     * none (absent or None).
     */
    public Conditioning withAppendedValues(Map<String, ? extends List<?>> values) {
        return map(e -> {
            Map<String, Object> merged = new LinkedHashMap<>();
            for (var kv : values.entrySet()) {
                Object old = e.get(kv.getKey());
                if (old == null) {
                    merged.put(kv.getKey(), List.copyOf(kv.getValue()));
                } else if (old instanceof List<?> list) {
                    List<Object> joined = new ArrayList<>(list);
                    joined.addAll(kv.getValue());
                    merged.put(kv.getKey(), Collections.unmodifiableList(joined));
                } else {
                    throw PyError.typeError("unsupported operand type(s) for +: '"
                            + old.getClass().getSimpleName() + "' and 'list'");
                }
            }
            return e.withValues(merged);
        });
    }

    /**
     * One {@code [cond, options]} pair.
     *
     * @param cond the token embeddings, [B, tokens, dim]
     * @param options the dict, in insertion order; values are Python-like (Tensor, Double, Long,
     *     Boolean, String, null for None, List for lists and tuples, Map for dicts, or a model output
     *     record such as {@link ClipVisionOutput}) and must not be modified
     */
    public record Entry(Tensor cond, Map<String, Object> options) {
        public Entry {
            Objects.requireNonNull(cond, "cond");
            // LinkedHashMap, not Map.copyOf: Python dicts keep insertion order and may hold None.
            options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        }

        public Entry(Tensor cond) {
            this(cond, Map.of());
        }

        /** Whether the dict has the key (its value may still be None). */
        public boolean has(String key) {
            return options.containsKey(key);
        }

        /** The value, or null when the key is absent or None ({@code d.get(key)}). */
        public Object get(String key) {
            return options.get(key);
        }

        /** The pooled output, or null when absent or None. */
        public Tensor pooledOutput() {
            Object v = options.get(POOLED_OUTPUT);
            if (v == null || v instanceof Tensor) return (Tensor) v;
            throw PyError.typeError("pooled_output must be a tensor, not " + v.getClass().getSimpleName());
        }

        /** A copy of this entry with the same tokens and the dict updated by {@code values} (existing keys keep their place). */
        public Entry withValues(Map<String, ?> values) {
            Map<String, Object> copy = new LinkedHashMap<>(options);
            copy.putAll(values);
            return new Entry(cond, copy);
        }

        /** A copy with one key set. */
        public Entry with(String key, Object value) {
            Map<String, Object> copy = new LinkedHashMap<>(options);
            copy.put(key, value);
            return new Entry(cond, copy);
        }

        /** A copy with other tokens and the same dict. */
        public Entry withCond(Tensor newCond) {
            return new Entry(newCond, options);
        }
    }
}
