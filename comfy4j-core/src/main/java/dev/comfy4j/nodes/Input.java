package dev.comfy4j.nodes;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One declared input: name, type, section and the options dict that {@code /object_info} shows.
 * Options are kept in the order they were set (V1 nodes show them in that order; V3 nodes are put
 * in ComfyUI's canonical V3 order when written). Option values are plain values or a
 * {@link Supplier} evaluated at request time (a file list, say).
 *
 * <pre>{@code Input.integer("steps").defaultValue(20).min(1).max(10000).tooltip("...")}</pre>
 */
public final class Input {
    /** Where an input sits in INPUT_TYPES. */
    public enum Section { REQUIRED, OPTIONAL, HIDDEN }

    private final String name;
    private final String type;
    private final Supplier<List<?>> comboOptions;
    private final Hidden hidden;
    private Section section = Section.REQUIRED;
    private Map<String, Object> options = new LinkedHashMap<>();
    private boolean bareTuple;

    private Input(String name, String type, Supplier<List<?>> comboOptions, Hidden hidden) {
        this.name = Objects.requireNonNull(name);
        this.type = type;
        this.comboOptions = comboOptions;
        this.hidden = hidden;
        if (hidden != null) section = Section.HIDDEN;
    }

    /** Any type string: {@code IMAGE}, {@code *}, {@code INT,FLOAT}, a custom type. */
    public static Input of(String name, String type) {
        return new Input(name, type, null, null);
    }

    public static Input integer(String name) {
        return of(name, "INT");
    }

    public static Input floating(String name) {
        return of(name, "FLOAT");
    }

    public static Input string(String name) {
        return of(name, "STRING");
    }

    public static Input bool(String name) {
        return of(name, "BOOLEAN");
    }

    /** A dropdown: V1 nodes declare the list as the type, V3 nodes as {@code COMBO} with {@code options}. */
    public static Input combo(String name, Object... options) {
        List<?> fixed = List.copyOf(Arrays.asList(options));
        return new Input(name, null, () -> fixed, null);
    }

    /** A dropdown whose choices are computed for every request (files in a models folder, ...). */
    public static Input combo(String name, Supplier<List<?>> options) {
        return new Input(name, null, options, null);
    }

    /** An injected value (PROMPT, UNIQUE_ID, ...); hidden inputs need no other setting. */
    public static Input hidden(String name, Hidden kind) {
        return new Input(name, null, null, Objects.requireNonNull(kind));
    }

    public Input optional() {
        if (hidden == null) section = Section.OPTIONAL;
        return this;
    }

    /** A hidden input that is an ordinary typed input the UI does not show (V1 {@code "hidden": {"x": ("*",)}}). */
    public Input hiddenSection() {
        section = Section.HIDDEN;
        return this;
    }

    /** Any option key as object_info shows it; the typed setters below are shorthands. */
    public Input option(String key, Object value) {
        options.put(key, value);
        return this;
    }

    /** V1 nodes that declare {@code ("IMAGE",)} without an options dict: object_info shows {@code ["IMAGE"]}. */
    public Input noOptions() {
        bareTuple = true;
        return this;
    }

    public Input defaultValue(Object value) { return option("default", value); }

    public Input min(Object value) { return option("min", value); }

    public Input max(Object value) { return option("max", value); }

    public Input step(Object value) { return option("step", value); }

    public Input round(Object value) { return option("round", value); }

    public Input multiline(boolean value) { return option("multiline", value); }

    public Input tooltip(String value) { return option("tooltip", value); }

    public Input forceInput() { return option("forceInput", true); }

    public Input lazy() { return option("lazy", true); }

    public Input rawLink() { return option("rawLink", true); }

    public Input controlAfterGenerate() { return option("control_after_generate", true); }

    public Input display(String value) { return option("display", value); }

    public String name() { return name; }

    public Section section() { return section; }

    /** The declared type string, or null for a list combo (see {@link #isCombo()}) and hidden inputs. */
    public String type() { return type; }

    public boolean isCombo() { return comboOptions != null; }

    /** The current combo choices. */
    public List<?> comboOptions() { return comboOptions.get(); }

    /** The injected kind, or null for ordinary inputs. */
    public Hidden hidden() { return hidden; }

    public Map<String, Object> options() { return options; }

    public boolean bareTuple() { return bareTuple && options.isEmpty(); }

    public boolean isLazy() { return Boolean.TRUE.equals(options.get("lazy")); }

    public boolean isRawLink() { return Boolean.TRUE.equals(options.get("rawLink")); }

    /** Freezes the options once the schema is built, so a shared declaration cannot drift. */
    Input freeze() {
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
        return this;
    }
}
