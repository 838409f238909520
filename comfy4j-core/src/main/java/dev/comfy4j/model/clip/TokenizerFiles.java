package dev.comfy4j.model.clip;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the CLIP tokenizer's {@code vocab.json} and {@code merges.txt} come from. ComfyUI ships them
 * inside its package; comfy4j looks for them in a folder (by default {@code models/text_encoders/})
 * and, when they are missing, downloads them once from a base URL into that folder. Each file is
 * written to a temporary name and moved into place, so a broken download leaves nothing behind.
 */
public final class TokenizerFiles {
    private static final Logger LOG = LoggerFactory.getLogger(TokenizerFiles.class);
    public static final String VOCAB = "vocab.json";
    public static final String MERGES = "merges.txt";
    /** The public CLIP ViT-L/14 tokenizer files on the model hub (a configuration default). */
    public static final URI DEFAULT_BASE_URL = URI.create("https://huggingface.co/openai/clip-vit-large-patch14/resolve/main/");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);

    private final Path folder;
    private final URI baseUrl;

    /**
     * @param folder where the files are looked for and downloaded to
     * @param baseUrl the folder URL the two file names are resolved against (a trailing slash is added when missing)
     */
    public TokenizerFiles(Path folder, URI baseUrl) {
        this.folder = folder;
        String base = baseUrl.toString();
        this.baseUrl = URI.create(base.endsWith("/") ? base : base + "/");
    }

    public TokenizerFiles(Path folder) {
        this(folder, DEFAULT_BASE_URL);
    }

    public Path folder() {
        return folder;
    }

    public URI baseUrl() {
        return baseUrl;
    }

    public Path vocab() {
        return folder.resolve(VOCAB);
    }

    public Path merges() {
        return folder.resolve(MERGES);
    }

    /** True when both files are in the folder. */
    public boolean present() {
        return Files.isRegularFile(vocab()) && Files.isRegularFile(merges());
    }

    /** Downloads whichever file is missing; does nothing when both are there. */
    public synchronized void ensure() throws IOException {
        for (String name : List.of(VOCAB, MERGES)) {
            Path target = folder.resolve(name);
            if (!Files.isRegularFile(target)) download(name, target);
        }
    }

    /** {@link #ensure()}, then reads the tokenizer. */
    public ClipTokenizer load() throws IOException {
        ensure();
        return ClipTokenizer.load(vocab(), merges());
    }

    private void download(String name, Path target) throws IOException {
        URI url = baseUrl.resolve(name);
        LOG.info("CLIP tokenizer file {} not found in {}: downloading it once from {}", name, folder.toAbsolutePath(), url);
        Path partial = null;
        try {
            Files.createDirectories(folder);
            partial = Files.createTempFile(folder, "." + name + ".", ".part");
            HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpRequest request = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT).GET().build();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) throw new IOException("the server answered HTTP " + response.statusCode());
                long expected = response.headers().firstValueAsLong("content-length").orElse(-1);
                long copied = copyWithProgress(name, in, partial, expected);
                if (expected >= 0 && copied != expected) throw new IOException("got " + copied + " of " + expected + " bytes");
            }
            move(partial, target);
            LOG.info("CLIP tokenizer file {} saved to {}", name, target.toAbsolutePath());
        } catch (IOException e) {
            throw failure(name, url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(name, url, new IOException("interrupted", e));
        } finally {
            if (partial != null) Files.deleteIfExists(partial);
        }
    }

    private IOException failure(String name, URI url, IOException cause) {
        String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new IOException("the CLIP tokenizer file " + name + " is missing from " + folder.toAbsolutePath()
                + " and could not be downloaded from " + url + " (" + reason + "). Copy " + VOCAB + " and " + MERGES
                + " of the CLIP ViT-L/14 tokenizer (openai/clip-vit-large-patch14) into " + folder.toAbsolutePath()
                + ", or configure a reachable tokenizer URL.", cause);
    }

    private static long copyWithProgress(String name, InputStream in, Path to, long expected) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long copied = 0;
        int nextQuarter = 1;
        try (OutputStream out = Files.newOutputStream(to)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                copied += n;
                if (expected > 0 && copied * 4 >= expected * nextQuarter) {
                    LOG.info("downloading {}: {}% ({} of {} bytes)", name, 100 * copied / expected, copied, expected);
                    nextQuarter = (int) (copied * 4 / expected) + 1;
                }
            }
        }
        if (expected <= 0) LOG.info("downloaded {}: {} bytes", name, copied);
        return copied;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
