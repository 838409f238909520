package dev.comfy4j.server.routes;

import dev.comfy4j.jobs.WorkerInfo;
import dev.comfy4j.server.Exchange;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /view} of a file this server does not hold, on a shared store: the other live workers are
 * asked in turn (each wrote its outputs to its own folder) and the first that has it answers. The
 * forwarded request carries {@value #FORWARDED} so it is never forwarded again, and the client's
 * {@code Authorization} so the holder applies the same access rules.
 */
public final class PeerOutputs {
    static final String FORWARDED = "X-Comfy4j-Forwarded";
    private static final Logger LOG = LoggerFactory.getLogger(PeerOutputs.class);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Supplier<List<WorkerInfo>> workers;
    private final Supplier<String> selfId;

    /** @param selfId this server's id in the worker list (null when it runs no prompts) */
    public PeerOutputs(Supplier<List<WorkerInfo>> workers, Supplier<String> selfId) {
        this.workers = workers;
        this.selfId = selfId;
    }

    /** Answers {@code ex} from a peer that holds the file; false when none does (or this is a forwarded request). */
    boolean serve(Exchange ex) {
        if (ex.header(FORWARDED) != null) return false;
        String query = ex.ctx().queryString();
        String self = selfId.get();
        for (WorkerInfo peer : workers.get()) {
            if (peer.id().equals(self) || peer.url() == null) continue;
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(peer.url() + "/view" + (query == null ? "" : "?" + query)))
                        .timeout(Duration.ofSeconds(30)).header(FORWARDED, "1").GET();
                String auth = ex.header("Authorization");
                if (auth != null) request.header("Authorization", auth);
                HttpResponse<byte[]> answer = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (answer.statusCode() != 200) continue;
                answer.headers().firstValue("Content-Disposition").ifPresent(v -> ex.header("Content-Disposition", v));
                ex.bytes(200, answer.headers().firstValue("Content-Type").orElse("application/octet-stream"), answer.body());
                return true;
            } catch (java.io.IOException e) {
                LOG.debug("Worker {} did not answer /view: {}", peer.name(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
