package dev.comfy4j.config;

import java.nio.file.Path;

/**
 * The production layer's flags (authentication, per-user limits), kept apart from ComfyUI's own
 * flags. The defaults change nothing a ComfyUI client can see.
 *
 * @param authTokensFile {@code --auth-tokens-file}: lines of {@code user role sha256(token)}; null: no auth
 * @param authNone {@code --auth none}: the explicit choice to run without authentication
 * @param maxQueuedPerUser {@code --max-queued-per-user}: pending plus running prompts one user may
 *     have; 0 means no limit
 * @param tlsKeyfile {@code --tls-keyfile}: PEM private key; with {@code tlsCertfile}, serve HTTPS and WSS only
 * @param tlsCertfile {@code --tls-certfile}: PEM certificate chain
 * @param shutdownTimeoutSeconds {@code --shutdown-timeout}: how long a stopping server lets the running
 *     prompt finish before interrupting it
 * @param webhookAllow {@code --webhook-allow}: the hosts ({@code host} or {@code host:port}) webhooks
 *     may call; empty: webhooks are refused
 * @param webhookSecret {@code --webhook-secret}: the HMAC-SHA256 key of the signature header
 */
public record ProductionSettings(Path authTokensFile, boolean authNone, int maxQueuedPerUser,
                                 Path tlsKeyfile, Path tlsCertfile, double shutdownTimeoutSeconds,
                                 java.util.List<String> webhookAllow, String webhookSecret) {

    public static final double DEFAULT_SHUTDOWN_TIMEOUT_SECONDS = 30;

    public ProductionSettings(Path authTokensFile, boolean authNone, int maxQueuedPerUser) {
        this(authTokensFile, authNone, maxQueuedPerUser, null, null, DEFAULT_SHUTDOWN_TIMEOUT_SECONDS, java.util.List.of(), null);
    }

    public static ProductionSettings defaults() {
        return new ProductionSettings(null, false, 0);
    }

    public boolean tlsEnabled() {
        return tlsKeyfile != null && tlsCertfile != null;
    }

    public ProductionSettings withTls(Path keyfile, Path certfile) {
        return new ProductionSettings(authTokensFile, authNone, maxQueuedPerUser, keyfile, certfile, shutdownTimeoutSeconds, webhookAllow, webhookSecret);
    }

    public ProductionSettings withWebhooks(java.util.List<String> allow, String secret) {
        return new ProductionSettings(authTokensFile, authNone, maxQueuedPerUser, tlsKeyfile, tlsCertfile,
                shutdownTimeoutSeconds, java.util.List.copyOf(allow), secret);
    }

    public ProductionSettings withShutdownTimeout(double seconds) {
        return new ProductionSettings(authTokensFile, authNone, maxQueuedPerUser, tlsKeyfile, tlsCertfile, seconds, webhookAllow, webhookSecret);
    }

    public boolean authEnabled() {
        return authTokensFile != null;
    }

    public ProductionSettings withAuthTokensFile(Path file) {
        return new ProductionSettings(file, authNone, maxQueuedPerUser, tlsKeyfile, tlsCertfile, shutdownTimeoutSeconds, webhookAllow, webhookSecret);
    }

    public ProductionSettings withMaxQueuedPerUser(int value) {
        return new ProductionSettings(authTokensFile, authNone, value, tlsKeyfile, tlsCertfile, shutdownTimeoutSeconds, webhookAllow, webhookSecret);
    }
}
