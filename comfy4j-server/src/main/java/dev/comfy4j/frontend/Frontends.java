package dev.comfy4j.frontend;

import dev.comfy4j.config.ServerConfig;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Decides at start-up which web root the server serves, from {@code --front-end-root} and {@code --front-end-version}. */
public final class Frontends {
    private static final Logger LOG = LoggerFactory.getLogger(Frontends.class);
    /** The cache of downloaded editors under the base directory, named as in ComfyUI. */
    public static final String CACHE_FOLDER = "web_custom_versions";
    /** ComfyUI's default value of the flag, meaning "the installed frontend package": for comfy4j, none. */
    static final String COMFYUI_DEFAULT = "comfyanonymous/ComfyUI@latest";

    private Frontends() {}

    /** {@code --front-end-root} when given, else the release {@code --front-end-version} names, else none. */
    public static FrontendInstaller.Outcome choose(ServerConfig config) {
        if (config.frontEndRoot() != null) {
            if (config.frontEndVersion() != null) {
                LOG.info("--front-end-root {} is served; --front-end-version {} is not used", config.frontEndRoot(), config.frontEndVersion());
            }
            return new FrontendInstaller.Outcome(config.frontEndRoot(), null);
        }
        if (config.frontEndVersion() == null || config.frontEndVersion().isBlank()) return new FrontendInstaller.Outcome(null, null);
        if (config.frontEndVersion().trim().equals(COMFYUI_DEFAULT)) {
            LOG.info("--front-end-version {} is ComfyUI's default (its bundled frontend); comfy4j serves its built-in page",
                    COMFYUI_DEFAULT);
            return new FrontendInstaller.Outcome(null, null);
        }
        URI api;
        try {
            api = URI.create(config.frontEndReleaseApi());
            if (api.getScheme() == null || api.getHost() == null) throw new IllegalArgumentException("not an absolute http(s) URL");
        } catch (IllegalArgumentException e) {
            String reason = "--front-end-release-api " + config.frontEndReleaseApi() + " is unusable: " + e.getMessage();
            LOG.warn("Frontend {} is not available ({}); serving the built-in page instead", config.frontEndVersion(), reason);
            return new FrontendInstaller.Outcome(null, reason);
        }
        return new FrontendInstaller(config.baseDirectory().resolve(CACHE_FOLDER), api).install(config.frontEndVersion());
    }
}
