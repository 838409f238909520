package dev.comfy4j.nodes;

/** What a {@link ValidatesInputs} check returns: Python's {@code True}, {@code False} or a message. */
public record InputCheck(boolean ok, String message) {
    public static final InputCheck OK = new InputCheck(true, null);

    public static InputCheck failed() {
        return new InputCheck(false, null);
    }

    public static InputCheck failed(String message) {
        return new InputCheck(false, message);
    }
}
