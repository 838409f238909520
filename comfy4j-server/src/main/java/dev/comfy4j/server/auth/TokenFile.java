package dev.comfy4j.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API tokens file ({@code --auth-tokens-file}): one line per user, {@code NAME ROLE SHA256}, where
 * SHA256 is the hex digest of the token. No token is stored in plain text; blank lines and lines
 * starting with {@code #} are ignored. The file is read again when it changes, so a user added while
 * the server runs can log in at once. Thread-safe.
 */
public final class TokenFile {
    /** A user name is also a folder name under the user directory: a safe, short word. */
    public static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private Map<String, Principal> byHash = Map.of();
    private FileTime loadedModified;
    private long lastCheckMillis;

    /** Reads the file now: a missing or malformed file stops the start with a message naming the line. */
    public TokenFile(Path file) {
        this.file = file;
        reload();
    }

    /** The principal of a presented token, or empty when no line has its digest. */
    public Optional<Principal> authenticate(String token) {
        if (token == null || token.isEmpty()) return Optional.empty();
        refreshIfChanged();
        Map<String, Principal> current;
        synchronized (this) {
            current = byHash;
        }
        return Optional.ofNullable(current.get(sha256(token)));
    }

    /** At most once a second, a changed file is read again; a broken edit keeps the previous table. */
    private void refreshIfChanged() {
        synchronized (this) {
            long now = System.currentTimeMillis();
            if (now - lastCheckMillis < 1000) return;
            lastCheckMillis = now;
        }
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(loadedModified)) reload();
        } catch (IOException | IllegalArgumentException e) {
            org.slf4j.LoggerFactory.getLogger(TokenFile.class)
                    .warn("Tokens file {} not reloaded, the previous users stay: {}", file, e.getMessage());
        }
    }

    private void reload() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            Map<String, Principal> table = parse(Files.readAllLines(file, StandardCharsets.UTF_8));
            synchronized (this) {
                byHash = table;
                loadedModified = modified;
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --auth-tokens-file " + file + ": " + e.getMessage(), e);
        }
    }

    static Map<String, Principal> parse(List<String> lines) {
        Map<String, Principal> table = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] parts = line.split("\\s+");
            String where = "tokens file line " + (i + 1) + ": ";
            if (parts.length != 3) throw new IllegalArgumentException(where + "expected 'NAME ROLE SHA256-OF-TOKEN'");
            if (!USER_NAME.matcher(parts[0]).matches()) {
                throw new IllegalArgumentException(where + "user name '" + parts[0] + "' must match " + USER_NAME);
            }
            Role role;
            try {
                role = Role.parse(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage());
            }
            String hash = parts[2].toLowerCase(java.util.Locale.ROOT);
            if (!SHA256_HEX.matcher(hash).matches()) {
                throw new IllegalArgumentException(where + "the third field must be the 64 hex digits of a SHA-256");
            }
            table.put(hash, new Principal(parts[0], role));
        }
        return Map.copyOf(table);
    }

    /** The lowercase hex SHA-256 of the token's UTF-8 bytes. */
    public static String sha256(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh token: 32 random bytes, URL-safe Base64, with a prefix that secret scanners recognise. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "c4j_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Adds a user with a new token (replacing the line of a user of that name, which revokes its old
     * token) and returns the token: the only time it exists in plain text. The file is written whole
     * and moved into place, readable by its owner only where the file system allows.
     */
    public static String addUser(Path file, String user, Role role) {
        if (!USER_NAME.matcher(user).matches()) {
            throw new IllegalArgumentException("user name '" + user + "' must match " + USER_NAME);
        }
        String token = newToken();
        try {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            parse(lines); // refuse to rewrite a file that is already broken
            List<String> out = new ArrayList<>();
            if (lines.isEmpty()) out.add("# comfy4j API tokens: NAME ROLE SHA256-OF-TOKEN (add users with: comfy4j add-user)");
            for (String line : lines) {
                String[] parts = line.strip().split("\\s+");
                if (!line.strip().startsWith("#") && parts.length == 3 && parts[0].equals(user)) continue;
                out.add(line);
            }
            out.add(user + " " + role.label() + " " + sha256(token));
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temp = Files.createTempFile(parent, ".tokens", ".tmp");
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: its own defaults apply
            }
            Files.write(temp, out, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return token;
    }
}
