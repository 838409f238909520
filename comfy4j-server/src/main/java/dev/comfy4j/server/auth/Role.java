package dev.comfy4j.server.auth;

import java.util.Locale;

/**
 * What a token may do. {@code user}: submit prompts and see and manage its own prompts, history,
 * outputs and user data. {@code admin}: everything, other users' prompts included, plus
 * {@code /free}, {@code /internal} and {@code POST /users}.
 */
public enum Role {
    USER, ADMIN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code user} or {@code admin}; anything else is an error naming the choices. */
    public static Role parse(String text) {
        for (Role r : values()) if (r.label().equals(text)) return r;
        throw new IllegalArgumentException("unknown role '" + text + "' (choose user or admin)");
    }
}
