package dev.comfy4j.nodes;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything ComfyUI knows about a node class without running it: what {@code /object_info} shows,
 * what the validator checks and how the executor calls it. Built once per class with
 * {@link #v1} or {@link #v3}; the style only changes how {@code /object_info} is written (V3 nodes
 * carry extra keys and a null display name when none is set, execution spec §17.3).
 */
public record NodeSchema(
        Style style,
        String className,
        String displayName,
        String category,
        String description,
        String pythonModule,
        List<Input> inputs,
        List<Output> outputs,
        boolean outputNode,
        boolean inputIsList,
        boolean notIdempotent,
        boolean deprecated,
        boolean experimental,
        Boolean apiNode,
        List<String> inheritedOutputTooltips) {

    /** V1 = classic INPUT_TYPES classes; V3 = {@code io.ComfyNode} schemas. */
    public enum Style { V1, V3 }

    public NodeSchema {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        inheritedOutputTooltips = inheritedOutputTooltips == null ? null : List.copyOf(inheritedOutputTooltips);
    }

    /** A V1 node; python_module is what ComfyUI reports, e.g. {@code "nodes"} or {@code "comfy_extras.nodes_mask"}. */
    public static Builder v1(String className, String pythonModule) {
        return new Builder(Style.V1, className, pythonModule);
    }

    /** A V3 node (python_module e.g. {@code "comfy_extras.nodes_primitive"}). */
    public static Builder v3(String className, String pythonModule) {
        return new Builder(Style.V3, className, pythonModule);
    }

    public Optional<Input> input(String name) {
        for (Input in : inputs) if (in.name().equals(name)) return Optional.of(in);
        return Optional.empty();
    }

    /** Required and optional inputs in declaration order (what the validator walks). */
    public List<Input> visibleInputs() {
        return inputs.stream().filter(i -> i.section() != Input.Section.HIDDEN).toList();
    }

    public List<Input> hiddenInputs() {
        return inputs.stream().filter(i -> i.hidden() != null).toList();
    }

    public List<String> outputTypes() {
        return outputs.stream().map(Output::type).toList();
    }

    /** Whether a V1 hidden UNIQUE_ID makes the node id part of the cache key (V3 ones do not, §11.2). */
    public boolean uniqueIdInCacheKey() {
        return style == Style.V1 && inputs.stream().anyMatch(i -> i.hidden() == Hidden.UNIQUE_ID);
    }

    public static final class Builder {
        private final Style style;
        private final String className;
        private final String pythonModule;
        private String displayName;
        private String category;
        private String description = "";
        private final List<Input> inputs = new ArrayList<>();
        private final List<Output> outputs = new ArrayList<>();
        private boolean outputNode;
        private boolean inputIsList;
        private boolean notIdempotent;
        private boolean deprecated;
        private boolean experimental;
        private Boolean apiNode;
        private List<String> inheritedOutputTooltips;

        private Builder(Style style, String className, String pythonModule) {
            this.style = style;
            this.className = Objects.requireNonNull(className);
            this.pythonModule = Objects.requireNonNull(pythonModule);
            this.category = "sd";
            if (style == Style.V3) apiNode = false;
        }

        public Builder displayName(String name) { displayName = name; return this; }

        /**
         * OUTPUT_TOOLTIPS inherited from a parent class that do not match this node's outputs
         * (LoraLoaderModelOnly keeps LoraLoader's two): object_info shows them as they are.
         */
        public Builder inheritedOutputTooltips(String... tooltips) { inheritedOutputTooltips = List.of(tooltips); return this; }

        public Builder category(String value) { category = value; return this; }

        public Builder description(String value) { description = value; return this; }

        public Builder input(Input input) { inputs.add(input); return this; }

        public Builder inputs(Input... list) { for (Input i : list) input(i); return this; }

        public Builder hidden(String name, Hidden kind) { return input(Input.hidden(name, kind)); }

        public Builder output(Output output) { outputs.add(output); return this; }

        public Builder output(String type) { return output(Output.of(type)); }

        public Builder outputNode() { outputNode = true; return this; }

        /** INPUT_IS_LIST: the node gets whole lists and is called once. */
        public Builder inputIsList() { inputIsList = true; return this; }

        /** NOT_IDEMPOTENT: the node id is part of its cache key, so twins never share results. */
        public Builder notIdempotent() { notIdempotent = true; return this; }

        public Builder deprecated() { deprecated = true; return this; }

        public Builder experimental() { experimental = true; return this; }

        /** API_NODE (V1 shows the key only when set). */
        public Builder apiNode(boolean value) { apiNode = value; return this; }

        public NodeSchema build() {
            List<String> seen = new ArrayList<>();
            for (Input in : inputs) {
                if (seen.contains(in.name())) throw new IllegalArgumentException(className + ": duplicate input " + in.name());
                seen.add(in.name());
                in.freeze();
            }
            String shownName = displayName != null || style == Style.V3 ? displayName : className;
            return new NodeSchema(style, className, shownName, category, description, pythonModule, inputs, outputs,
                    outputNode, inputIsList, notIdempotent, deprecated, experimental, apiNode,
                    inheritedOutputTooltips);
        }
    }
}
