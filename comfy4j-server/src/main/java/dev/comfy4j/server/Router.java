package dev.comfy4j.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * ComfyUI's route table with aiohttp's matching rules (API spec §3).
 *
 * <ul>
 *   <li>{@link #add} registers a route at its path and again under {@code /api}; {@link #addInternal}
 *       only under {@code /internal}; {@link #addApiOnly} only with the prefix.
 *   <li>{@code {name}} matches one raw path segment, percent-decoded afterwards (so {@code %2F}
 *       reaches the handler as {@code /}); {@code {name:.*}} matches the rest of the path.
 *   <li>HEAD runs the GET handler. A GET that no route claims goes to the static fallback (the web
 *       root). Any other method on a path no route takes for that method answers 405 with an
 *       {@code Allow} header that unites the methods of every matching route and the web root's
 *       GET,HEAD.
 * </ul>
 */
public final class Router {
    /** A request handler; it answers through the exchange or throws {@link HttpError}. */
    @FunctionalInterface
    public interface Handler {
        void handle(Exchange exchange) throws Exception;
    }

    private record Route(String method, List<String> segments, Handler handler, boolean internal) {}

    private final List<Route> routes = new ArrayList<>();

    /** Registers {@code path} and {@code /api + path}. */
    public Router add(String method, String path, Handler handler) {
        addApiOnly(method, path, handler);
        routes.add(new Route(method, split(path), handler, false));
        return this;
    }

    public Router get(String path, Handler h) { return add("GET", path, h); }

    public Router post(String path, Handler h) { return add("POST", path, h); }

    public Router put(String path, Handler h) { return add("PUT", path, h); }

    public Router delete(String path, Handler h) { return add("DELETE", path, h); }

    public Router patch(String path, Handler h) { return add("PATCH", path, h); }

    /** Registers {@code /api + path} only (custom-node example workflows). */
    public Router addApiOnly(String method, String path, Handler handler) {
        routes.add(new Route(method, split("/api" + path), handler, false));
        return this;
    }

    /** Registers {@code path} only, without the {@code /api} twin: static resources ({@code /templates}, {@code /docs}). */
    public Router addStatic(String method, String path, Handler handler) {
        routes.add(new Route(method, split(path), handler, false));
        return this;
    }

    /** Registers {@code /internal + path} only: the frontend's private sub-application. */
    public Router addInternal(String method, String path, Handler handler) {
        routes.add(new Route(method, split("/internal" + path), handler, true));
        return this;
    }

    /** A registered route: its method and path pattern as registered ({@code /api/...} twins included). */
    public record RouteInfo(String method, String path) {}

    /** Every registered route, in registration order (the OpenAPI test holds the document against it). */
    public List<RouteInfo> routes() {
        return routes.stream().map(r -> new RouteInfo(r.method, "/" + String.join("/", r.segments))).toList();
    }

    /** The outcome of routing one request. */
    public sealed interface Resolution {}

    public record Found(Handler handler, Map<String, String> params) implements Resolution {}

    /** No route: GET/HEAD go to the web root. */
    public record Fallback() implements Resolution {}

    public record MethodNotAllowed(String allow) implements Resolution {}

    public record NotFound() implements Resolution {}

    public Resolution resolve(String method, String rawPath) {
        String wanted = method.equals("HEAD") ? "GET" : method;
        List<String> path = split(rawPath);
        TreeSet<String> allowed = new TreeSet<>();
        boolean internalPath = !path.isEmpty() && path.getFirst().equals("internal");
        for (Route route : routes) {
            Optional<Map<String, String>> params = match(route.segments, path);
            if (params.isEmpty()) continue;
            if (route.method.equals(wanted)) return new Found(route.handler, params.get());
            allowed.add(route.method);
            if (route.method.equals("GET")) allowed.add("HEAD");
        }
        if (internalPath) {
            return allowed.isEmpty() ? new NotFound() : new MethodNotAllowed(String.join(",", allowed));
        }
        if (wanted.equals("GET")) return new Fallback();
        allowed.add("GET");
        allowed.add("HEAD");
        return new MethodNotAllowed(String.join(",", allowed));
    }

    private static Optional<Map<String, String>> match(List<String> pattern, List<String> path) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            if (p.startsWith("{") && p.endsWith(":.*}")) {
                if (i > path.size()) return Optional.empty();
                List<String> rest = path.subList(i, path.size());
                params.put(p.substring(1, p.length() - 4), decode(String.join("/", rest)));
                return Optional.of(params);
            }
            if (i >= path.size()) return Optional.empty();
            String s = path.get(i);
            if (p.startsWith("{") && p.endsWith("}")) {
                if (s.isEmpty()) return Optional.empty();
                params.put(p.substring(1, p.length() - 1), decode(s));
            } else if (!p.equals(decode(s))) {
                return Optional.empty();
            }
        }
        return pattern.size() == path.size() ? Optional.of(params) : Optional.empty();
    }

    /** "/a/b/" gives [a, b, ""]: trailing slashes stay significant, as in aiohttp. */
    private static List<String> split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.isEmpty()) return List.of();
        return List.of(p.split("/", -1));
    }

    static String decode(String segment) {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }
}
