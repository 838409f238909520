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

    public ProductionSettings toSettings() {
        if (auth != null && !auth.equals("none")) {
            throw new IllegalArgumentException("--auth takes only 'none'; for tokens use --auth-tokens-file FILE");
        }
        if (maxQueuedPerUser < 0) throw new IllegalArgumentException("--max-queued-per-user must be 0 or more");
        return new ProductionSettings(authTokensFile == null ? null : authTokensFile.toAbsolutePath().normalize(),
                auth != null, maxQueuedPerUser);
    }
}
