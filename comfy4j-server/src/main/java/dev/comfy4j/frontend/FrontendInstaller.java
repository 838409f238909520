package dev.comfy4j.frontend;

import java.io.IOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --front-end-version OWNER/REPO@VERSION}: finds the release, downloads its web bundle once into
 * {@code <cache>/<owner>_<repo>/<version>/} (ComfyUI's {@code web_custom_versions} layout), checks it
 * (an {@code index.html}) and hands back the folder to serve. A named version already in the cache is
 * used without asking the network. When the release cannot be had (offline, unknown version, a broken
 * or unsafe archive) it says why in one log line and falls back to the newest cached version of the
 * same project, or to none (the built-in page); it never stops the server from starting.
 */
public final class FrontendInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(FrontendInstaller.class);

    /** What to serve: a web root (null for the built-in page) and, after a failure, why. */
    public record Outcome(Path webRoot, String problem) {}

    private final Path cacheRoot;
    private final ReleaseApi api;

    /**
     * @param cacheRoot {@code BASE/web_custom_versions}
     * @param apiBase the releases API, e.g. the code host's public one
     */
    public FrontendInstaller(Path cacheRoot, URI apiBase) {
        this(cacheRoot, apiBase, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    FrontendInstaller(Path cacheRoot, URI apiBase, Duration timeout, Duration stallLimit) {
        this.cacheRoot = cacheRoot.toAbsolutePath().normalize();
        this.api = new ReleaseApi(apiBase, timeout, stallLimit);
    }

    public Outcome install(String versionFlag) {
        FrontendRelease wanted;
        try {
            wanted = FrontendRelease.parse(versionFlag);
        } catch (IllegalArgumentException e) {
            return fallBack(null, e.getMessage());
        }
        Path projectCache = cacheRoot.resolve(wanted.folderName());
        if (!wanted.isLatest()) {
            Path cached = projectCache.resolve(wanted.semanticVersion());
            if (isUsable(cached)) {
                LOG.info("Using the cached frontend {} from {}", wanted, cached);
                return new Outcome(cached, null);
            }
        }
        try {
            LOG.info("Frontend {}: asking {} for the release", wanted, api.base());
            ReleaseApi.Release release = api.find(wanted);
            String version = FrontendRelease.stripV(release.tag());
            Path target = projectCache.resolve(version).normalize();
            if (!target.getParent().equals(projectCache)) throw new IOException("unusable release tag " + release.tag());
            if (isUsable(target)) {
                LOG.info("Using the cached frontend {}/{}@{} from {}", wanted.owner(), wanted.repo(), release.tag(), target);
                return new Outcome(target, null);
            }
            downloadInto(wanted, release, target);
            LOG.info("Frontend {}/{}@{} installed in {}", wanted.owner(), wanted.repo(), release.tag(), target);
            return new Outcome(target, null);
        } catch (IOException | RuntimeException e) {
            return fallBack(wanted, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private void downloadInto(FrontendRelease wanted, ReleaseApi.Release release, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        String unique = UUID.randomUUID().toString();
        Path zip = target.getParent().resolve(".download-" + unique + ".zip");
        Path staging = target.getParent().resolve(".unpack-" + unique);
        try {
            LOG.info("Downloading frontend {}/{}@{} from {}", wanted.owner(), wanted.repo(), release.tag(), release.bundle());
            api.download(release.bundle(), zip, new ProgressLog(wanted.owner() + "/" + wanted.repo() + "@" + release.tag()));
            SafeUnzip.extract(zip, staging);
            Path content = webContent(staging)
                    .orElseThrow(() -> new IOException("the downloaded " + ReleaseApi.ASSET_NAME + " holds no index.html"));
            moveInPlace(content, target);
        } finally {
            Files.deleteIfExists(zip);
            deleteTree(staging);
        }
    }

    /** The folder of the archive that holds index.html: its root, or its only top-level folder. */
    private static Optional<Path> webContent(Path unpacked) throws IOException {
        if (Files.isRegularFile(unpacked.resolve("index.html"))) return Optional.of(unpacked);
        try (Stream<Path> top = Files.list(unpacked)) {
            List<Path> entries = top.toList();
            if (entries.size() == 1 && Files.isDirectory(entries.getFirst())
                    && Files.isRegularFile(entries.getFirst().resolve("index.html"))) {
                return Optional.of(entries.getFirst());
            }
        }
        return Optional.empty();
    }

    /** Renames the checked content to its final name, so the cache never holds a half-unpacked version. */
    private static void moveInPlace(Path content, Path target) throws IOException {
        try {
            Files.move(content, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(content, target);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            if (!isUsable(target)) throw e; // another server unpacked the same version meanwhile: keep theirs
        }
    }

    private Outcome fallBack(FrontendRelease wanted, String reason) {
        Optional<Path> cached = wanted == null ? Optional.empty() : newestCached(cacheRoot.resolve(wanted.folderName()));
        String what = wanted == null ? "--front-end-version" : "Frontend " + wanted;
        if (cached.isPresent()) {
            LOG.warn("{} is not available ({}); serving the cached version {} instead", what, reason, cached.get().getFileName());
            return new Outcome(cached.get(), reason);
        }
        LOG.warn("{} is not available ({}); serving the built-in page instead", what, reason);
        return new Outcome(null, reason);
    }

    /** The highest version folder of a project's cache that holds an index.html. */
    private static Optional<Path> newestCached(Path projectCache) {
        if (!Files.isDirectory(projectCache)) return Optional.empty();
        try (Stream<Path> versions = Files.list(projectCache)) {
            return versions.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(FrontendInstaller::isUsable)
                    .max(Comparator.comparing(p -> new VersionOrder(p.getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static boolean isUsable(Path folder) {
        return Files.isRegularFile(folder.resolve("index.html"));
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** Logs a download's progress every tenth (or every 4 MB when the size is unknown). */
    private static final class ProgressLog implements ReleaseApi.Progress {
        private final String what;
        private long nextMark = 0;

        ProgressLog(String what) {
            this.what = what;
        }

        @Override
        public void update(long received, long total) {
            if (received < nextMark) return;
            if (total > 0) {
                long percent = received * 100 / total;
                LOG.info("Downloading frontend {}: {}% ({} of {})", what, percent, mb(received), mb(total));
                nextMark = Math.min(total, (percent / 10 + 1) * total / 10);
                if (received >= total) nextMark = Long.MAX_VALUE;
            } else {
                LOG.info("Downloading frontend {}: {}", what, mb(received));
                nextMark = received + 4L * 1024 * 1024;
            }
        }

        private static String mb(long bytes) {
            return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1048576.0);
        }
    }
}
