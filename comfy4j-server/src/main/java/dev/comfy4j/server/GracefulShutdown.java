package dev.comfy4j.server;

import dev.comfy4j.jobs.Worker;
import dev.comfy4j.json.Json;
import dev.comfy4j.server.auth.AuthErrors;
import io.javalin.http.Context;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stopping without losing work (SIGTERM runs {@code App.close} through the shutdown hook): new
 * prompts are refused with 503, the running prompt may finish within {@code --shutdown-timeout} and
 * is interrupted after it (so history records it as interrupted), pending prompts stay queued in the
 * job store for the next start. The server keeps answering everything else meanwhile, so clients
 * see their prompt end.
 */
public final class GracefulShutdown implements RequestFilter {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);
    private static final Set<String> SUBMIT = Set.of("/prompt", "/api/prompt");
    /** After an interrupt, how long the worker gets to record the prompt before the store closes. */
    private static final long INTERRUPT_GRACE_MILLIS = 10_000;

    private volatile boolean draining;

    public boolean draining() {
        return draining;
    }

    @Override
    public boolean before(Context ctx) {
        if (!draining || !ctx.req().getMethod().equals("POST") || !SUBMIT.contains(ctx.req().getRequestURI())) return true;
        var body = AuthErrors.body("shutting_down", "The server is shutting down and takes no new prompts.",
                "Queue the prompt again once the server is back.");
        body.putObject("node_errors");
        ctx.status(503);
        ctx.header("Retry-After", "30");
        ctx.contentType("application/json; charset=utf-8");
        ctx.result(Json.writeBytes(body));
        return false;
    }

    /** Stops taking prompts and waits for the running one, interrupting it after {@code timeoutSeconds}. */
    public void drain(Worker worker, double timeoutSeconds) {
        draining = true;
        if (worker == null) return; // an api server runs no prompts
        worker.stopTaking();
        try {
            if (worker.awaitIdle(Math.round(timeoutSeconds * 1000))) return;
            LOG.warn("Shutting down: the running prompt did not finish within {} s; interrupting it", timeoutSeconds);
            worker.interrupt(null);
            if (!worker.awaitIdle(INTERRUPT_GRACE_MILLIS)) LOG.warn("Shutting down: the interrupted prompt did not stop");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
