package dev.comfy4j.files;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads ComfyUI's {@code extra_model_paths.yaml} (API spec §13.3): sections of {@code folder: path}
 * entries, each with an optional {@code base_path} and {@code is_default}. A path value may hold
 * several lines, one path each.
 */
public final class ExtraModelPaths {
    private static final Logger LOG = LoggerFactory.getLogger(ExtraModelPaths.class);
    private static final Pattern ENV = Pattern.compile("\\$(\\w+)|\\$\\{([^}]+)}");

    private ExtraModelPaths() {}

    public static void loadIfPresent(Path yaml, ModelFolders registry) {
        if (Files.isRegularFile(yaml)) load(yaml, registry);
    }

    /** Adds the file's search paths to the registry; a malformed file is logged and skipped. */
    public static void load(Path yaml, ModelFolders registry) {
        Object document;
        try (Reader reader = Files.newBufferedReader(yaml, StandardCharsets.UTF_8)) {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot read extra model paths from {}: {}", yaml, e.getMessage());
            return;
        }
        if (!(document instanceof Map<?, ?> sections)) return;
        Path yamlDir = yaml.toAbsolutePath().normalize().getParent();
        for (Object sectionValue : sections.values()) {
            if (!(sectionValue instanceof Map<?, ?> raw)) continue;
            Map<Object, Object> section = new LinkedHashMap<>(raw);
            Path base = null;
            Object basePath = section.remove("base_path");
            if (basePath != null) {
                Path p = Path.of(expand(String.valueOf(basePath)));
                base = p.isAbsolute() ? p : yamlDir.resolve(p).toAbsolutePath().normalize();
            }
            Object isDefault = section.remove("is_default");
            boolean first = Boolean.TRUE.equals(isDefault);
            for (Map.Entry<Object, Object> e : section.entrySet()) {
                if (e.getValue() == null) continue;
                for (String line : String.valueOf(e.getValue()).split("\n")) {
                    if (line.isEmpty()) continue;
                    Path full = base != null ? base.resolve(line) : Path.of(line).isAbsolute() ? Path.of(line) : yamlDir.resolve(line);
                    Path normal = full.toAbsolutePath().normalize();
                    LOG.info("Adding extra search path {} {}", e.getKey(), normal);
                    registry.addPath(String.valueOf(e.getKey()), normal, first);
                }
            }
        }
    }

    /** {@code ~} and {@code $VAR} / {@code ${VAR}} expansion, like os.path.expanduser + expandvars. */
    static String expand(String path) {
        String p = path;
        if (p.equals("~") || p.startsWith("~/")) p = System.getProperty("user.home") + p.substring(1);
        Matcher m = ENV.matcher(p);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value = System.getenv(name);
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }
}
