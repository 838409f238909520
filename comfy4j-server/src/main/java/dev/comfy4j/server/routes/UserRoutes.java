package dev.comfy4j.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.comfy4j.files.SafePaths;
import dev.comfy4j.files.Settings;
import dev.comfy4j.server.StaticFile;
import dev.comfy4j.files.Users;
import dev.comfy4j.json.Json;
import dev.comfy4j.server.Exchange;
import dev.comfy4j.server.HttpError;
import dev.comfy4j.server.RouteFamily;
import dev.comfy4j.server.Router;
import dev.comfy4j.server.auth.Access;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Users, settings and user data files (API spec §11.7-§11.9). */
public final class UserRoutes implements RouteFamily {
    private final Users users;
    private final Settings settings;
    private final java.util.Map<String, Settings> settingsByUser = new java.util.concurrent.ConcurrentHashMap<>();

    public UserRoutes(Users users) {
        this.users = users;
        this.settings = new Settings(users);
    }

    @Override
    public void register(Router router) {
        router.get("/users", ex -> ex.json(users(ex).describe()));
        router.post("/users", this::createUser);
        router.get("/settings", ex -> ex.json(settings(ex).read()));
        router.get("/settings/{id}", ex -> {
            JsonNode value = settings(ex).read().get(ex.pathParam("id"));
            ex.json(value == null ? Json.MAPPER.nullNode() : value);
        });
        router.post("/settings", ex -> {
            // The reference answers 500 to anything but an object; we answer 400.
            settings(ex).merge(ex.jsonObjectBody());
            ex.empty(200);
        });
        router.post("/settings/{id}", ex -> {
            settings(ex).set(ex.pathParam("id"), ex.jsonBody());
            ex.empty(200);
        });
        router.get("/userdata", this::listV1);
        router.get("/v2/userdata", this::listV2);
        router.get("/userdata/{file}", this::read);
        router.post("/userdata/{file}", this::write);
        router.delete("/userdata/{file}", this::delete);
        router.post("/userdata/{file}/move/{dest}", this::move);
    }

    /** The user folder a request acts in: {@code default}, or with authentication the token's user. */
    private Users users(Exchange ex) {
        String user = Access.user(ex);
        return user == null ? users : users.forUser(user);
    }

    private Settings settings(Exchange ex) {
        String user = Access.user(ex);
        return user == null ? settings : settingsByUser.computeIfAbsent(user, u -> new Settings(users.forUser(u)));
    }

    private void createUser(Exchange ex) throws IOException {
        JsonNode name = ex.jsonObjectBody().get("username");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            throw HttpError.badRequest("username must be a non-empty string");
        }
        if (users.hasDisplayName(name.asText())) {
            ObjectNode error = Json.object();
            error.put("error", "Duplicate username.");
            throw HttpError.json(400, error);
        }
        ex.json(TextNode.valueOf(users.add(name.asText())));
    }

    private void listV1(Exchange ex) throws IOException {
        String dir = ex.query("dir");
        if (dir == null || dir.isEmpty()) throw HttpError.text(400, "Directory not provided");
        Path path = users(ex).resolve(dir, true).orElseThrow(() -> HttpError.text(403, "Invalid directory"));
        if (!Files.exists(path)) throw HttpError.text(404, "Directory not found");
        boolean recurse = "true".equals(lower(ex.query("recurse")));
        boolean fullInfo = "true".equals(lower(ex.query("full_info")));
        boolean split = "true".equals(lower(ex.query("split")));
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(path)) globFiles(users(ex).userRoot(), path, recurse, files);
        ArrayNode out = Json.array();
        for (Path f : files) {
            String rel = SafePaths.slashed(path.relativize(f));
            if (fullInfo) {
                out.add(fileInfo(f, rel));
            } else if (split) {
                ArrayNode parts = out.addArray();
                parts.add(rel);
                for (String s : rel.split("/")) parts.add(s);
            } else {
                out.add(rel);
            }
        }
        ex.json(out);
    }

    /** Python's glob of {@code dir/*} or {@code dir/**}/*: no hidden names, a folder's files before its subfolders'. */
    private static void globFiles(Path userRoot, Path dir, boolean recurse, List<Path> out) {
        List<Path> files = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (p.getFileName().toString().startsWith(".")) continue;
                if (!SafePaths.inside(userRoot, p)) continue; // never list through a symlink that leaves the user root
                if (Files.isDirectory(p)) dirs.add(p);
                else if (Files.isRegularFile(p)) files.add(p);
            }
        } catch (IOException e) {
            return;
        }
        files.sort(null);
        dirs.sort(null);
        out.addAll(files);
        if (recurse) for (Path d : dirs) globFiles(userRoot, d, true, out);
    }

    private static ObjectNode fileInfo(Path f, String rel) throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(f, BasicFileAttributes.class);
        ObjectNode info = Json.object();
        info.put("path", rel);
        info.put("size", attrs.size());
        info.put("modified", ModelRoutes.seconds(attrs.lastModifiedTime()));
        info.put("created", ModelRoutes.seconds(ModelRoutes.changeTime(f, attrs)));
        return info;
    }

    private void listV2(Exchange ex) {
        String requested = Optional.ofNullable(ex.query("path")).map(Users::percentDecode).orElse("");
        Path base = users(ex).userRoot();
        boolean whole = requested.isEmpty() || requested.equals("/");
        Path target = whole ? base : users(ex).resolve(requested, false)
                .orElseThrow(() -> HttpError.text(400, "Invalid path requested"));
        if (!Files.exists(target)) {
            if (whole) {
                ex.json(Json.array());
                return;
            }
            throw HttpError.text(404, "Requested path not found");
        }
        if (!Files.isDirectory(target)) throw HttpError.text(400, "Requested path is not a directory");
        List<ObjectNode> entries = new ArrayList<>();
        try {
            walkV2(base, target, entries);
        } catch (IOException e) {
            throw HttpError.text(500, "Error reading directory contents");
        }
        entries.sort(Comparator.comparing((ObjectNode e) -> !e.get("type").asText().equals("directory"))
                .thenComparing(e -> e.get("name").asText().toLowerCase(Locale.ROOT)));
        ArrayNode out = Json.array();
        entries.forEach(out::add);
        ex.json(out);
    }

    /** os.walk (no symlinked folders descended), hidden entries included, paths relative to the user root. */
    private static void walkV2(Path base, Path dir, List<ObjectNode> out) throws IOException {
        List<Path> dirs = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) (Files.isDirectory(p) ? dirs : files).add(p);
        }
        dirs.sort(null);
        files.sort(null);
        for (Path d : dirs) {
            ObjectNode e = Json.object();
            e.put("name", d.getFileName().toString());
            e.put("path", SafePaths.slashed(base.relativize(d)));
            e.put("type", "directory");
            out.add(e);
        }
        for (Path f : files) {
            ObjectNode e = Json.object();
            e.put("name", f.getFileName().toString());
            e.put("path", SafePaths.slashed(base.relativize(f)));
            e.put("type", "file");
            try {
                BasicFileAttributes attrs = Files.readAttributes(f, BasicFileAttributes.class);
                e.put("size", attrs.size());
                e.put("modified", ModelRoutes.seconds(attrs.lastModifiedTime()));
            } catch (IOException ignored) {
                // as in the reference: an entry whose stat fails is listed without size and time
            }
            out.add(e);
        }
        for (Path d : dirs) {
            if (!Files.isSymbolicLink(d)) walkV2(base, d, out);
        }
    }

    /** The userdata file parameter resolved, or the route's early answer: 403 outside the root, 404 missing. */
    private Path userFile(Exchange ex, String param, boolean mustExist) {
        String file = ex.pathParam(param);
        if (file == null || file.isEmpty()) throw HttpError.empty(400);
        Path path = users(ex).resolve(file, true).orElseThrow(() -> HttpError.empty(403));
        if (mustExist && !Files.exists(path)) throw HttpError.empty(404);
        return path;
    }

    private void read(Exchange ex) throws IOException {
        Path path = userFile(ex, "file", true);
        if (!Files.isRegularFile(path)) throw HttpError.empty(403);
        StaticFile.serve(ex, path);
    }

    private void write(Exchange ex) throws IOException {
        Path path = userFile(ex, "file", false);
        boolean overwrite = !"false".equals(ex.query("overwrite"));
        boolean fullInfo = "true".equals(lower(Optional.ofNullable(ex.query("full_info")).orElse("false")));
        if (!overwrite && Files.exists(path)) throw HttpError.text(409, "File already exists");
        byte[] body = ex.body();
        try {
            Files.write(path, body);
        } catch (IOException e) {
            // The reference sends an empty 400 with the reason phrase below; Jetty sends no custom reason.
            throw HttpError.badRequest("Invalid filename. Please avoid special characters like :\\/*?\"<>|");
        }
        ex.json(describe(ex, path, fullInfo));
    }

    private void delete(Exchange ex) throws IOException {
        Path path = userFile(ex, "file", true);
        if (Files.isDirectory(path)) throw HttpError.badRequest("Cannot delete a directory");
        Files.delete(path);
        ex.empty(204);
    }

    private void move(Exchange ex) throws IOException {
        Path source = userFile(ex, "file", true);
        // The reference ends in a 500 for a destination outside the root; we answer 403.
        Path dest = userFile(ex, "dest", false);
        boolean overwrite = !"false".equals(ex.query("overwrite"));
        boolean fullInfo = "true".equals(lower(Optional.ofNullable(ex.query("full_info")).orElse("false")));
        if (!overwrite && Files.exists(dest)) throw HttpError.text(409, "File already exists");
        if (Files.isDirectory(dest)) dest = dest.resolve(source.getFileName());
        try {
            if (!source.equals(dest)) Files.move(source, dest, StandardCopyOption.REPLACE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw HttpError.text(409, "File already exists");
        }
        ex.json(describe(ex, dest, fullInfo));
    }

    private JsonNode describe(Exchange ex, Path path, boolean fullInfo) throws IOException {
        String rel = SafePaths.slashed(users(ex).userRoot().relativize(path));
        return fullInfo ? fileInfo(path, rel) : TextNode.valueOf(rel);
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
