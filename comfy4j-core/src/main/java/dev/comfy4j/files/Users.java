package dev.comfy4j.files;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The user table and the per-user data root (API spec §11.7, §11.9). This server runs in ComfyUI's
 * single-user mode: every request acts as {@code default}; users created with {@code POST /users} are
 * recorded in {@code users.json} as ComfyUI does, but requests cannot select them.
 */
public final class Users {
    public static final String DEFAULT_USER = "default";

    private final Path userDirectory;
    private final Map<String, String> users;
    private final String requestUser;

    public Users(Path userDirectory) {
        this(userDirectory.toAbsolutePath().normalize(), new LinkedHashMap<>(), DEFAULT_USER);
        users.put(DEFAULT_USER, DEFAULT_USER);
    }

    private Users(Path userDirectory, Map<String, String> users, String requestUser) {
        this.userDirectory = userDirectory;
        this.users = users;
        this.requestUser = requestUser;
    }

    /**
     * The same user table, acting for {@code user}: its files live in {@code <user_dir>/<user>}, the
     * layout of ComfyUI's {@code --multi-user} (the name comes from an authenticated token, never
     * from the request).
     */
    public Users forUser(String user) {
        return new Users(userDirectory, users, user);
    }

    public Path userDirectory() { return userDirectory; }

    /** The user a request acts as. */
    public String requestUser() {
        return requestUser;
    }

    /** {@code <user_dir>/<user>}. */
    public Path userRoot() {
        return userDirectory.resolve(requestUser()).normalize();
    }

    /**
     * Resolves a user file parameter like ComfyUI: percent-decoded once more if it still holds a
     * {@code %}, joined to the user root, and refused (empty) when it leaves the root. With
     * {@code createParent}, the parent folder is created, as the reference does even on GET.
     */
    public Optional<Path> resolve(String file, boolean createParent) {
        Path root = userRoot();
        String name = file;
        if (name.contains("%")) name = percentDecode(name);
        Optional<Path> joined = SafePaths.join(root, name);
        if (joined.isEmpty() || !SafePaths.inside(root, joined.get())) return Optional.empty();
        Path path = joined.get();
        if (createParent && path.getParent() != null && !Files.exists(path.getParent())) {
            try {
                Files.createDirectories(path.getParent());
            } catch (IOException e) {
                // As in the reference, a folder that cannot be made surfaces later as a missing file.
            }
        }
        return Optional.of(path);
    }

    /** Python's {@code urllib.parse.unquote}: bad escapes stay as they are, '+' stays '+'. */
    public static String percentDecode(String s) {
        StringBuilder out = new StringBuilder();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                bytes.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 3;
                continue;
            }
            if (bytes.size() > 0) {
                out.append(bytes.toString(StandardCharsets.UTF_8));
                bytes.reset();
            }
            out.append(c);
            i++;
        }
        if (bytes.size() > 0) out.append(bytes.toString(StandardCharsets.UTF_8));
        return out.toString();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** {@code GET /users} in single-user mode. */
    public ObjectNode describe() {
        ObjectNode o = Json.object();
        o.put("storage", "server");
        o.put("migrated", Files.exists(userRoot()));
        return o;
    }

    /** Whether a display name is taken. */
    public boolean hasDisplayName(String name) {
        synchronized (users) {
            return users.containsValue(name);
        }
    }

    /**
     * Creates a user id from a display name ({@code <name with runs outside [a-zA-Z0-9-_] as '-'>_<uuid4>})
     * and rewrites {@code users.json}.
     */
    public String add(String displayName) throws IOException {
        synchronized (users) {
            return addLocked(displayName);
        }
    }

    private String addLocked(String displayName) throws IOException {
        String name = displayName.strip();
        if (name.isEmpty()) throw new IllegalArgumentException("username not provided");
        String id = name.replaceAll("[^a-zA-Z0-9\\-_]+", "-") + "_" + UUID.randomUUID();
        users.put(id, name);
        ObjectNode table = Json.object();
        users.forEach(table::put);
        Files.createDirectories(userDirectory);
        Files.writeString(userDirectory.resolve("users.json"), Json.write(table), StandardCharsets.UTF_8);
        return id;
    }
}
