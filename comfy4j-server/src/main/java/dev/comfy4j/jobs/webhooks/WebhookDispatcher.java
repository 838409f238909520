package dev.comfy4j.jobs.webhooks;

import dev.comfy4j.jobs.JobStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers stored webhook calls: POST with the signature, a 2xx answer removes the call, anything
 * else (or no answer) retries with exponential backoff (1 s, 2 s, 4 s ... at most 5 min) up to
 * {@value #MAX_ATTEMPTS} attempts, then the call is dropped with an error in the log. Calls survive
 * restarts in the job store; a receiver may see a call again only if the server stopped after the
 * receiver answered and before the store recorded it (the {@code X-Comfy4j-Delivery} id lets it
 * ignore the repeat). Redirects are not followed.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    static final int MAX_ATTEMPTS = 15;
    private static final long MAX_BACKOFF_MILLIS = 5 * 60_000;

    private final JobStore store;
    private final WebhookPolicy policy;
    private final WebhookSigner signer;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Object wake = new Object();
    private final Thread thread;
    private volatile boolean stopping;

    public WebhookDispatcher(JobStore store, WebhookPolicy policy, WebhookSigner signer) {
        this.store = store;
        this.policy = policy;
        this.signer = signer;
        this.thread = Thread.ofPlatform().name("webhooks").daemon(true).unstarted(this::loop);
    }

    public WebhookDispatcher start() {
        thread.start();
        return this;
    }

    /** A call was stored: look now rather than at the next tick. */
    public void wake() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    private void loop() {
        while (!stopping) {
            try {
                for (JobStore.Webhook call : store.dueWebhooks(System.currentTimeMillis(), 20)) {
                    if (stopping) return;
                    deliver(call);
                }
                synchronized (wake) {
                    wake.wait(250);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!stopping) LOG.error("Webhook delivery failed", e);
            }
        }
    }

    private void deliver(JobStore.Webhook call) throws InterruptedException {
        Optional<String> refusal = policy.refusal(call.url());
        if (refusal.isPresent()) { // the allow list changed since the prompt was queued
            LOG.error("Webhook of prompt {} dropped: {}", call.promptId(), refusal.get());
            store.removeWebhook(call.id());
            return;
        }
        byte[] body = call.body().getBytes(StandardCharsets.UTF_8);
        String outcome;
        try {
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(call.url()))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header(WebhookSigner.HEADER, signer.sign(body))
                    .header("X-Comfy4j-Delivery", call.promptId() + "/" + call.id())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                store.removeWebhook(call.id());
                return;
            }
            outcome = "answer " + response.statusCode();
        } catch (java.io.IOException e) {
            outcome = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        int attempts = call.attempts() + 1;
        if (attempts >= MAX_ATTEMPTS) {
            LOG.error("Webhook of prompt {} given up after {} attempts ({})", call.promptId(), attempts, outcome);
            store.removeWebhook(call.id());
            return;
        }
        long delay = Math.min(MAX_BACKOFF_MILLIS, TimeUnit.SECONDS.toMillis(1) << Math.min(20, attempts - 1));
        LOG.warn("Webhook of prompt {} not delivered ({}); attempt {} in {} ms", call.promptId(), outcome, attempts + 1, delay);
        store.rescheduleWebhook(call.id(), attempts, System.currentTimeMillis() + delay);
    }

    @Override
    public void close() {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
