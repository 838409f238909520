package dev.comfy4j.config;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks every flag before anything starts (libtorch, the database, the port): each problem is one
 * line naming the flag, the value given and what is wrong. Reads the fields of {@link CliOptions}.
 */
final class FlagChecks {
    static final Set<String> PREVIEW_METHODS = Set.of("none", "auto", "latent2rgb", "taesd");
    /** 1 TiB: far above any real body, and small enough that the byte count fits every limit. */
    static final double MAX_UPLOAD_MB = 1024 * 1024;
    static final int MAX_PREVIEW_SIZE = 16384;
    private static final Pattern IPV4_LIKE = Pattern.compile("[0-9.]+");
    private static final Pattern DOTTED_QUAD = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern HOST_NAME = Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\\.?");

    private final CliOptions o;
    private final List<String> problems = new ArrayList<>();

    FlagChecks(CliOptions options) {
        this.o = options;
    }

    List<String> problems() {
        listen();
        if (o.port < 0 || o.port > 65535) add("--port", o.port, "must be between 0 and 65535");
        if (o.corsOrigin != null && o.corsOrigin.chars().anyMatch(Character::isISOControl)) {
            add("--enable-cors-header", o.corsOrigin, "must not contain control characters");
        }
        if (!(o.maxUploadSize > 0) || o.maxUploadSize > MAX_UPLOAD_MB) {
            add("--max-upload-size", fmt(o.maxUploadSize), "must be a size in MB greater than 0 and at most " + (long) MAX_UPLOAD_MB);
        }
        if (o.baseDirectory != null && !Files.isDirectory(o.baseDirectory)) {
            add("--base-directory", o.baseDirectory, Files.exists(o.baseDirectory) ? "is not a directory" : "no such directory");
        }
        folder("--input-directory", o.inputDirectory);
        folder("--output-directory", o.outputDirectory);
        folder("--user-directory", o.userDirectory);
        folder("--temp-directory", o.tempDirectory);
        if (o.frontEndRoot != null && !Files.isDirectory(o.frontEndRoot)) add("--front-end-root", o.frontEndRoot, "is not a directory");
        for (Path yaml : o.extraModelPathsConfigs) {
            if (!Files.isRegularFile(yaml)) add("--extra-model-paths-config", yaml, "is not a file");
        }
        exclusive("--bf16-unet", o.bf16Unet, "--fp32-unet", o.fp32Unet);
        exclusive("--bf16-vae", o.bf16Vae, "--fp32-vae", o.fp32Vae);
        if (!PREVIEW_METHODS.contains(o.previewMethod)) {
            add("--preview-method", o.previewMethod, "must be one of none, auto, latent2rgb, taesd");
        }
        if (o.previewSize < 1 || o.previewSize > MAX_PREVIEW_SIZE) {
            add("--preview-size", o.previewSize, "must be between 1 and " + MAX_PREVIEW_SIZE + " pixels");
        }
        if (o.verbose != null && CliOptions.logLevel(o.verbose) == null) {
            add("--verbose", o.verbose, "must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL");
        }
        cache();
        database();
        if (o.threads < 0) add("--threads", o.threads, "must be 0 (all cores) or more");
        if (!(o.reserveRam >= 0) || Double.isInfinite(o.reserveRam)) add("--reserve-ram", fmt(o.reserveRam), "must be a number of GB, 0 or more");
        if (o.maxGraphNodes < 1) add("--max-graph-nodes", o.maxGraphNodes, "must be 1 or more");
        if (o.maxGraphDepth < 1) add("--max-graph-depth", o.maxGraphDepth, "must be 1 or more");
        if (!"text".equals(o.logFormat) && !"json".equals(o.logFormat)) add("--log-format", o.logFormat, "must be text or json");
        if (!isHttpUrl(o.clipTokenizerUrl)) add("--clip-tokenizer-url", o.clipTokenizerUrl, "must be an http or https URL");
        return problems;
    }

    static boolean isHttpUrl(String value) {
        try {
            java.net.URI uri = new java.net.URI(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (java.net.URISyntaxException | NullPointerException e) {
            return false;
        }
    }

    private void listen() {
        List<String> addresses = java.util.Arrays.stream(o.listen.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (addresses.isEmpty()) {
            add("--listen", o.listen, "no address given");
            return;
        }
        for (String address : addresses) {
            String problem = addressProblem(address);
            if (problem != null) add("--listen", address, problem);
        }
    }

    /** Why the server could not listen on this address, or null. */
    static String addressProblem(String address) {
        InetAddress ip;
        try {
            if (address.contains(":")) {
                ip = InetAddress.ofLiteral(address.startsWith("[") && address.endsWith("]")
                        ? address.substring(1, address.length() - 1) : address);
            } else if (IPV4_LIKE.matcher(address).matches()) {
                // Four decimal parts only: the JVM would also read "1.2.3" as 1.2.0.3.
                if (!DOTTED_QUAD.matcher(address).matches()) return "not an IPv4 address";
                ip = InetAddress.ofLiteral(address);
            } else if (HOST_NAME.matcher(address).matches()) {
                ip = InetAddress.getByName(address);
            } else {
                return "not an IP address or host name";
            }
        } catch (IllegalArgumentException e) {
            return address.contains(":") ? "not an IPv6 address" : "not an IPv4 address";
        } catch (UnknownHostException e) {
            return "unknown host name";
        }
        try {
            if (!ip.isAnyLocalAddress() && !ip.isLoopbackAddress() && NetworkInterface.getByInetAddress(ip) == null) {
                return "not an address of this machine";
            }
        } catch (SocketException e) {
            return "cannot check the address: " + e.getMessage();
        }
        return null;
    }

    /** A folder flag: an existing directory, or a new one whose parent exists (comfy4j creates one level). */
    private void folder(String flag, Path dir) {
        if (dir == null) return;
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) return;
        if (Files.exists(abs)) add(flag, dir, "is not a directory");
        else if (abs.getParent() == null || !Files.isDirectory(abs.getParent())) add(flag, dir, "its parent directory does not exist");
    }

    private void cache() {
        int chosen = (o.cacheLru != null ? 1 : 0) + (o.cacheNone ? 1 : 0) + (o.cacheClassic ? 1 : 0);
        if (chosen > 1) problems.add("--cache-lru, --cache-none and --cache-classic are mutually exclusive");
        if (o.cacheLru != null && o.cacheLru < 0) add("--cache-lru", o.cacheLru, "must be 0 (off) or more");
    }

    private void database() {
        if (ScaleOutSettings.Role.parse(o.role) == null) add("--role", o.role, "must be api, worker or all");
        if (!(o.workerLease > 0)) add("--worker-lease", fmt(o.workerLease), "must be more than 0 seconds");
        if (o.advertiseUrl != null && !o.advertiseUrl.matches("https?://.+")) {
            add("--advertise-url", o.advertiseUrl, "must start with http:// or https://");
        }
        if (o.database == null || o.database.equalsIgnoreCase("none")) {
            if (ScaleOutSettings.Role.parse(o.role) == ScaleOutSettings.Role.API) {
                add("--role", o.role, "needs a shared --database postgresql://...: alone, an api server runs nothing");
            }
            return;
        }
        if (ScaleOutSettings.isPostgresUrl(o.database)) return;
        if (ScaleOutSettings.Role.parse(o.role) == ScaleOutSettings.Role.API) {
            add("--role", o.role, "needs a shared --database postgresql://...: alone, an api server runs nothing");
        }
        Path db = Path.of(o.database).toAbsolutePath().normalize();
        if (Files.isDirectory(db)) add("--database", o.database, "is a directory; give a file name or 'none'");
        else if (db.getParent() == null || !Files.isDirectory(db.getParent())) add("--database", o.database, "its directory does not exist");
    }

    /** Two flags of one of ComfyUI's mutually exclusive groups (argparse refuses both together too). */
    private void exclusive(String flag, boolean given, String other, boolean otherGiven) {
        if (given && otherGiven) problems.add(flag + ": not allowed with " + other);
    }

    private void add(String flag, Object value, String problem) {
        problems.add(flag + " " + value + ": " + problem);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
