package dev.comfy4j.nodes;

import java.util.List;

/**
 * What a {@link ValidatesInputs} check returns: Python's {@code True}, {@code False} or a message, or
 * a value refused as a combo refuses a value outside its list ({@link #notInList}).
 *
 * @param notInList when set, the validator answers {@code value_not_in_list} for that input instead of
 *     {@code custom_validation_failed}
 */
public record InputCheck(boolean ok, String message, NotInList notInList) {
    public static final InputCheck OK = new InputCheck(true, null, null);

    /** An input whose value is not one of {@code choices}. */
    public record NotInList(String input, List<?> choices) {}

    public InputCheck(boolean ok, String message) {
        this(ok, message, null);
    }

    public static InputCheck failed() {
        return new InputCheck(false, null);
    }

    public static InputCheck failed(String message) {
        return new InputCheck(false, message);
    }

    /** {@code input}'s value is none of {@code choices} (a file name that leaves its folder, say). */
    public static InputCheck notInList(String input, List<?> choices) {
        return new InputCheck(false, null, new NotInList(input, List.copyOf(choices)));
    }
}
