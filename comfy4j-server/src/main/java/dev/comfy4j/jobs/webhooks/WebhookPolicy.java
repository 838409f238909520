package dev.comfy4j.jobs.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which webhook URLs the server may call: http or https to a host named in {@code --webhook-allow}
 * ({@code host} allows any port, {@code host:port} one). No request ever goes to an address that no
 * operator listed.
 */
public final class WebhookPolicy {
    private final List<String> allowed;

    public WebhookPolicy(List<String> allowed) {
        this.allowed = allowed.stream().map(a -> a.strip().toLowerCase(Locale.ROOT)).filter(a -> !a.isEmpty()).toList();
    }

    /** The URL of {@code extra_data.webhook}: a string, or an object with a {@code url}; empty when none. */
    public static Optional<String> urlOf(JsonNode extraData) {
        JsonNode hook = extraData == null ? null : extraData.get("webhook");
        if (hook == null || hook.isNull()) return Optional.empty();
        if (hook.isTextual()) return Optional.of(hook.asText());
        if (hook.isObject() && hook.path("url").isTextual()) return Optional.of(hook.path("url").asText());
        return Optional.of(""); // present but unusable: refused below
    }

    /** Why this URL may not be called, or empty when it may. */
    public Optional<String> refusal(String url) {
        if (allowed.isEmpty()) return Optional.of("webhooks are off on this server (no --webhook-allow)");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return Optional.of("not a URL: " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) return Optional.of("only http and https webhooks are called");
        if (uri.getHost() == null || uri.getRawUserInfo() != null) return Optional.of("the URL needs a plain host");
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        if (allowed.contains(host) || allowed.contains(host + ":" + port)) return Optional.empty();
        return Optional.of("host " + host + ":" + port + " is not in --webhook-allow");
    }
}
