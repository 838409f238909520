package dev.comfy4j.server;

import dev.comfy4j.config.ServerConfig;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP + WebSocket port. Javalin (Jetty 12) carries the connections; every HTTP request goes
 * through one catch-all handler into our {@link Router}, so that matching, 404/405 answers, HEAD and
 * the middleware chain follow aiohttp's rules exactly (API spec §3, §4).
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final List<HandlerType> METHODS = List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.DELETE, HandlerType.PATCH, HandlerType.HEAD, HandlerType.OPTIONS);

    private final ServerConfig config;
    private final Router router;
    private final Router.Handler fallback;
    private final WebSocketHub hub;
    private final OriginCheck originCheck;
    private List<RequestFilter> filters = List.of();
    private Javalin javalin;

    /**
     * @param fallback answers GET/HEAD requests no route claimed: the static web root
     */
    public HttpServer(ServerConfig config, Router router, Router.Handler fallback, WebSocketHub hub) {
        this.config = config;
        this.router = router;
        this.fallback = fallback;
        this.hub = hub;
        this.originCheck = OriginCheck.forListenAddresses(config.listen());
    }

    /** The filters every request passes (authentication, metrics), in order; set before {@link #start}. */
    public HttpServer filters(List<RequestFilter> value) {
        this.filters = List.copyOf(value);
        return this;
    }

    /** Starts listening; returns the bound port (useful with port 0). */
    public int start() {
        javalin = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = Long.MAX_VALUE; // Exchange.body() applies --max-upload-size itself
            // ComfyUI compresses nothing by default. Javalin's gzip would also compress answers whose
            // Content-Length was already set to the uncompressed size (files), cutting them short.
            cfg.http.compressionStrategy = CompressionStrategy.NONE;
            cfg.jetty.host = config.listen().getFirst();
            cfg.jetty.port = config.port();
            if (config.production().tlsEnabled()) {
                // HTTPS only, on every --listen address: a connector of ours replaces Javalin's plain one.
                var tls = new dev.comfy4j.server.tls.TlsConnectors(config.production().tlsKeyfile(),
                        config.production().tlsCertfile());
                for (String address : config.listen()) {
                    cfg.jetty.addConnector((server, http) -> tls.connector(server, http, address, config.port()));
                }
            }
            // --listen a,b: one connector per address, all on the same port, as in ComfyUI. Javalin
            // adds its own connector only when none was added, so every address needs one of ours.
            for (String address : config.production().tlsEnabled() || config.listen().size() < 2 ? List.<String>of()
                    : config.listen()) {
                cfg.jetty.addConnector((server, http) -> {
                    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                    connector.setHost(address);
                    connector.setPort(config.port());
                    return connector;
                });
            }
            // Clients send %2F and ".." in paths on purpose; the router and the file routes judge them.
            cfg.jetty.modifyHttpConfiguration(http -> {
                http.setUriCompliance(UriCompliance.UNSAFE);
                http.setSendServerVersion(false);
            });
            // Requests Jetty refuses before routing (a malformed URI) get aiohttp's plain-text form.
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new PlainTextErrors()));
            cfg.jetty.modifyServletContextHandler(handler -> {
                handler.getServletHandler().setDecodeAmbiguousURIs(true);
                NoHttpSessions.apply(handler);
            });
            cfg.jetty.modifyWebSocketServletFactory(ws -> {
                ws.setMaxTextMessageSize(4L * 1024 * 1024); // aiohttp's limit for incoming messages
                ws.setMaxBinaryMessageSize(4L * 1024 * 1024);
            });
            for (String path : List.of("/ws", "/api/ws")) {
                cfg.routes.addHttpHandler(HandlerType.WEBSOCKET_BEFORE_UPGRADE, path, this::beforeUpgrade);
                cfg.routes.ws(path, hub::configure);
            }
            for (HandlerType method : METHODS) {
                cfg.routes.addHttpHandler(method, "/", this::dispatch);
                cfg.routes.addHttpHandler(method, "/<path>", this::dispatch);
            }
        });
        javalin.start();
        int port = javalin.port();
        LOG.info("comfy4j listening on {}://{}:{}", config.production().tlsEnabled() ? "https" : "http",
                config.listen().getFirst(), port);
        return port;
    }

    private void beforeUpgrade(Context ctx) {
        if (config.corsOrigin() == null && originCheck.blocks(ctx.header("Host"), ctx.header("Origin"))) {
            LOG.warn("WebSocket upgrade refused by the origin check: Host {} Origin {}", ctx.header("Host"),
                    ctx.header("Origin"));
            ctx.status(403);
            ctx.skipRemainingHandlers();
            throw new io.javalin.http.HttpResponseException(403, "");
        }
        for (RequestFilter filter : filters) {
            if (!filter.beforeUpgrade(ctx)) {
                ctx.skipRemainingHandlers();
                throw new io.javalin.http.HttpResponseException(ctx.statusCode(), "");
            }
        }
        hub.beforeUpgrade(ctx);
    }

    private void dispatch(Context ctx) throws IOException {
        String method = ctx.req().getMethod();
        String rawPath = ctx.req().getRequestURI();
        if (config.corsOrigin() != null) {
            // Set first, so that every answer carries them: the preflight, and errors too, which a
            // browser would otherwise hide from the page behind a CORS failure.
            addCorsHeaders(ctx);
        } else if (originCheck.blocks(ctx.header("Host"), ctx.header("Origin"))) {
            LOG.warn("Request refused by the origin check: Host {} Origin {}", ctx.header("Host"), ctx.header("Origin"));
            writeError(ctx, HttpError.empty(403));
            return;
        }
        if (method.equals("OPTIONS")) {
            ctx.status(200);
            ctx.result(new byte[0]);
            return;
        }
        long start = System.nanoTime();
        try {
            boolean answered = false;
            for (RequestFilter filter : filters) {
                if (!filter.before(ctx)) {
                    answered = true;
                    break;
                }
            }
            if (!answered) route(ctx, method, rawPath);
        } finally {
            for (RequestFilter filter : filters) filter.after(ctx, start);
        }
    }

    private void route(Context ctx, String method, String rawPath) {
        Exchange exchange = new Exchange(ctx, Map.of(), config.maxUploadBytes());
        try {
            switch (router.resolve(method, rawPath)) {
                case Router.Found found -> {
                    exchange = new Exchange(ctx, found.params(), config.maxUploadBytes());
                    found.handler().handle(exchange);
                }
                case Router.Fallback f -> fallback.handle(exchange);
                case Router.MethodNotAllowed m -> throw new HttpError(405, "text/plain; charset=utf-8",
                        "405: Method Not Allowed".getBytes(StandardCharsets.UTF_8), Map.of("Allow", m.allow()));
                case Router.NotFound n -> throw HttpError.notFound();
            }
            CacheControl.apply(ctx, rawPath);
        } catch (HttpError e) {
            writeError(ctx, e);
        } catch (Exception e) {
            LOG.error("Unhandled error in {} {}", method, rawPath, e);
            writeError(ctx, HttpError.text(500, "500 Internal Server Error\n\nServer got itself in trouble"));
        }
    }

    /** ComfyUI's CORS middleware headers; PATCH is listed as in ComfyUI after 0.3.64 (/internal/logs/subscribe uses it). */
    private void addCorsHeaders(Context ctx) {
        ctx.header("Access-Control-Allow-Origin", config.corsOrigin());
        ctx.header("Access-Control-Allow-Methods", "POST, GET, DELETE, PUT, OPTIONS, PATCH");
        ctx.header("Access-Control-Allow-Headers", "Content-Type, Authorization");
        ctx.header("Access-Control-Allow-Credentials", "true");
    }

    private static void writeError(Context ctx, HttpError e) {
        ctx.status(e.status());
        e.headers().forEach(ctx::header);
        if (e.contentType() != null) ctx.contentType(e.contentType());
        ctx.result(e.body());
    }

    public int port() {
        return javalin.port();
    }

    @Override
    public void close() {
        if (javalin != null) javalin.stop();
    }
}
