package dev.comfy4j.config;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The production layer's flags, mixed into the main command (each also {@code COMFY4J_<FLAG>}). */
public final class ProductionOptions {
    @Option(names = "--auth-tokens-file",
            description = "Require an API token: FILE holds lines 'NAME ROLE SHA256-OF-TOKEN' (see the add-user command).")
    Path authTokensFile;

    @Option(names = "--auth", description = "'none': serve without authentication even beyond loopback (ComfyUI's behaviour).")
    String auth;

    @Option(names = "--max-queued-per-user",
            description = "Most prompts one user may have queued or running; beyond it POST /prompt answers 429 (default 0: no limit).")
    int maxQueuedPerUser;

    @Option(names = "--tls-keyfile", description = "PEM private key (unencrypted PKCS#8): serve HTTPS/WSS; needs --tls-certfile.")
    Path tlsKeyfile;

    @Option(names = "--tls-certfile", description = "PEM certificate chain, the server's first; needs --tls-keyfile.")
    Path tlsCertfile;

    @Option(names = "--shutdown-timeout",
            description = "Seconds a stopping server (SIGTERM) lets the running prompt finish before interrupting it (default 30).")
    double shutdownTimeout = ProductionSettings.DEFAULT_SHUTDOWN_TIMEOUT_SECONDS;

    @Option(names = "--webhook-allow", split = ",",
            description = "Hosts (host or host:port, comma-separated) that extra_data.webhook may call; none by default.")
    java.util.List<String> webhookAllow = new java.util.ArrayList<>();

    @Option(names = "--webhook-secret",
            description = "Key of the X-Comfy4j-Signature HMAC-SHA256 header (better given as COMFY4J_WEBHOOK_SECRET).")
    String webhookSecret;

    public ProductionSettings toSettings() {
        if (!webhookAllow.isEmpty() && (webhookSecret == null || webhookSecret.isEmpty())) {
            throw new IllegalArgumentException("--webhook-allow needs --webhook-secret (or COMFY4J_WEBHOOK_SECRET) to sign the calls");
        }
        if ((tlsKeyfile == null) != (tlsCertfile == null)) {
            throw new IllegalArgumentException("--tls-keyfile and --tls-certfile go together; give both or neither");
        }
        if (shutdownTimeout < 0) throw new IllegalArgumentException("--shutdown-timeout must be 0 or more");
        if (auth != null && !auth.equals("none")) {
            throw new IllegalArgumentException("--auth takes only 'none'; for tokens use --auth-tokens-file FILE");
        }
        if (maxQueuedPerUser < 0) throw new IllegalArgumentException("--max-queued-per-user must be 0 or more");
        return new ProductionSettings(authTokensFile == null ? null : authTokensFile.toAbsolutePath().normalize(),
                auth != null, maxQueuedPerUser, tlsKeyfile == null ? null : tlsKeyfile.toAbsolutePath().normalize(),
                tlsCertfile == null ? null : tlsCertfile.toAbsolutePath().normalize(), shutdownTimeout,
                java.util.List.copyOf(webhookAllow), webhookSecret);
    }
}
