package dev.comfy4j.nodes;

/**
 * One declared output (RETURN_TYPES entry) with its optional name, list flag and tooltip.
 *
 * <pre>{@code Output.of("INT").named("length")}</pre>
 */
public record Output(String type, String name, boolean isList, String tooltip) {
    public static Output of(String type) {
        return new Output(type, null, false, null);
    }

    public Output named(String newName) {
        return new Output(type, newName, isList, tooltip);
    }

    /** OUTPUT_IS_LIST: each call returns a list, and the lists of all calls are concatenated. */
    public Output list() {
        return new Output(type, name, true, tooltip);
    }

    public Output withTooltip(String text) {
        return new Output(type, name, isList, text);
    }

    /** RETURN_NAMES entry: the name, or the type when unnamed. */
    public String displayName() {
        return name != null ? name : type;
    }
}
