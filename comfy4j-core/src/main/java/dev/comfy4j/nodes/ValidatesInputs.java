package dev.comfy4j.nodes;

import java.util.Map;
import java.util.Set;

/**
 * VALIDATE_INPUTS: a node-specific check run at {@code POST /prompt}. The inputs it names skip the
 * built-in min/max/list checks; linked inputs arrive as null.
 */
public interface ValidatesInputs {
    /** The parameters of the validator; null means it takes every input ({@code **kwargs}). */
    Set<String> validatedInputs();

    /** True when the validator takes {@code input_types}: then linked inputs skip the type check. */
    default boolean wantsInputTypes() {
        return false;
    }

    /**
     * @param inputTypes input name to the linked upstream type (only when {@link #wantsInputTypes})
     */
    InputCheck validateInputs(NodeInputs inputs, Map<String, String> inputTypes) throws Exception;
}
