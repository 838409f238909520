package dev.comfy4j.server;

import io.javalin.http.Context;

/**
 * A step every HTTP request passes before and after routing (authentication, metrics). Filters run
 * in order after the origin check; the first that answers a request ends it.
 */
public interface RequestFilter {
    /** Before routing; false when this filter answered the request itself. */
    default boolean before(Context ctx) {
        return true;
    }

    /** After the answer is decided, for every request that reached the filters (also those one answered). */
    default void after(Context ctx, long startNanos) {}

    /**
     * Before a WebSocket upgrade; false refuses it with the status the filter set on {@code ctx}
     * (the body is not sent: clients only see the failed handshake).
     */
    default boolean beforeUpgrade(Context ctx) {
        return true;
    }
}
