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
 */
public record ProductionSettings(Path authTokensFile, boolean authNone, int maxQueuedPerUser) {

    public static ProductionSettings defaults() {
        return new ProductionSettings(null, false, 0);
    }

    public boolean authEnabled() {
        return authTokensFile != null;
    }

    public ProductionSettings withAuthTokensFile(Path file) {
        return new ProductionSettings(file, authNone, maxQueuedPerUser);
    }

    public ProductionSettings withMaxQueuedPerUser(int value) {
        return new ProductionSettings(authTokensFile, authNone, value);
    }
}
