package dev.comfy4j.server;

/** One family of routes (prompt, history, files, users, ...): a class that knows its paths. */
public interface RouteFamily {
    void register(Router router);
}
