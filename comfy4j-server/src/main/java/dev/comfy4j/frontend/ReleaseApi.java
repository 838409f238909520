package dev.comfy4j.frontend;

import com.fasterxml.jackson.databind.JsonNode;
import dev.comfy4j.App;
import dev.comfy4j.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The code host's public releases API, as ComfyUI uses it: {@code GET {base}/repos/{owner}/{repo}/releases/latest}
 * or {@code .../releases/tags/{tag}} gives a release with its assets; the web bundle is the asset named
 * {@code dist.zip}, fetched from its API URL with {@code Accept: application/octet-stream} (redirects
 * followed). The base URL is configurable so tests (and mirrors) can serve releases themselves.
 */
final class ReleaseApi {
    static final String ASSET_NAME = "dist.zip";
    static final long MAX_DOWNLOAD_BYTES = 1024L * 1024 * 1024;

    /** A release: its tag and where its web bundle is. */
    record Release(String tag, URI bundle) {}

    /** Told how far a download has come; {@code total} is -1 when the server did not say. */
    interface Progress {
        void update(long received, long total);
    }

    private final URI base;
    private final HttpClient client;
    private final Duration timeout;
    private final Duration stallLimit;

    ReleaseApi(URI base, Duration timeout, Duration stallLimit) {
        this.base = URI.create(base.toString().replaceAll("/+$", "") + "/");
        this.timeout = timeout;
        this.stallLimit = stallLimit;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    URI base() {
        return base;
    }

    /** The release {@code wanted} names; for a tag, both {@code X.Y.Z} and {@code vX.Y.Z} are tried. */
    Release find(FrontendRelease wanted) throws IOException {
        String releases = "repos/" + encode(wanted.owner()) + "/" + encode(wanted.repo()) + "/releases/";
        if (wanted.isLatest()) return release(fetchJson(base.resolve(releases + "latest")));
        String given = wanted.version();
        String other = given.startsWith("v") ? given.substring(1) : "v" + given;
        JsonNode found = fetchJsonOrNull(base.resolve(releases + "tags/" + encode(given)));
        if (found == null) found = fetchJsonOrNull(base.resolve(releases + "tags/" + encode(other)));
        if (found == null) throw new IOException("version " + given + " not found in the releases of " + wanted.owner() + "/" + wanted.repo());
        return release(found);
    }

    /** Streams the bundle into {@code target}; a download that stalls for the stall limit is abandoned. */
    void download(URI bundle, Path target, Progress progress) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(bundle).timeout(timeout)
                .header("Accept", "application/octet-stream").header("User-Agent", userAgent()).GET().build();
        HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) throw new IOException("HTTP " + response.statusCode() + " from " + bundle);
            long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (total > MAX_DOWNLOAD_BYTES) throw new IOException("the bundle is larger than " + MAX_DOWNLOAD_BYTES + " bytes");
            copyWatchingForStalls(in, target, total, progress);
        }
    }

    private void copyWatchingForStalls(InputStream in, Path target, long total, Progress progress) throws IOException {
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "frontend-download-watchdog");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(50, stallLimit.toMillis() / 4);
        ScheduledFuture<?> check = watchdog.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastProgress.get() > stallLimit.toNanos()) {
                try {
                    in.close(); // the blocked read fails, the download ends with an error
                } catch (IOException ignored) {
                    // closing is all we can do
                }
            }
        }, period, period, TimeUnit.MILLISECONDS);
        long received = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                lastProgress.set(System.nanoTime());
                received += n;
                if (received > MAX_DOWNLOAD_BYTES) throw new IOException("the bundle is larger than " + MAX_DOWNLOAD_BYTES + " bytes");
                out.write(buffer, 0, n);
                progress.update(received, total);
            }
        } catch (IOException e) {
            if (System.nanoTime() - lastProgress.get() > stallLimit.toNanos()) {
                throw new IOException("the download stalled for " + stallLimit.toSeconds() + " s", e);
            }
            throw e;
        } finally {
            check.cancel(false);
            watchdog.shutdownNow();
        }
        if (total >= 0 && received != total) throw new IOException("the download ended after " + received + " of " + total + " bytes");
    }

    private static Release release(JsonNode json) throws IOException {
        String tag = json.path("tag_name").asText("");
        if (tag.isEmpty()) throw new IOException("the release has no tag_name");
        for (JsonNode asset : json.path("assets")) {
            if (!ASSET_NAME.equals(asset.path("name").asText())) continue;
            String url = asset.path("url").asText(asset.path("browser_download_url").asText(""));
            if (url.isEmpty()) break;
            try {
                return new Release(tag, URI.create(url));
            } catch (IllegalArgumentException e) {
                throw new IOException("the release's " + ASSET_NAME + " has a malformed URL: " + url);
            }
        }
        throw new IOException(ASSET_NAME + " not found in the assets of release " + tag);
    }

    private JsonNode fetchJson(URI uri) throws IOException {
        JsonNode json = fetchJsonOrNull(uri);
        if (json == null) throw new IOException("HTTP 404 from " + uri);
        return json;
    }

    /** The JSON at {@code uri}; null on 404; an error for any other failure. */
    private JsonNode fetchJsonOrNull(URI uri) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Accept", "application/vnd.github+json").header("User-Agent", userAgent()).GET().build();
        HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) return null;
        if (response.statusCode() != 200) throw new IOException("HTTP " + response.statusCode() + " from " + uri);
        try {
            JsonNode json = Json.parse(response.body());
            if (json == null || !json.isObject()) throw new IOException("not a release object: " + uri);
            return json;
        } catch (IOException e) {
            throw new IOException("unreadable answer from " + uri + ": " + e.getMessage(), e);
        }
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return client.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + request.uri(), e);
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IOException("cannot reach " + request.uri() + " (" + why + ")", e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String userAgent() {
        return "comfy4j/" + App.VERSION;
    }
}
