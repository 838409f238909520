package dev.comfy4j.files;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.comfy4j.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;

/**
 * ComfyUI's output file conventions (API spec §13.4): {@code filename_prefix} substitution, the
 * subfolder split, the outside-the-folder error, the counter scan and the {@code prefix_00001_.png}
 * names, and the UI result objects the save nodes report.
 */
public final class OutputNaming {
    /** Where a batch of files goes: the folder, the bare prefix, the first counter and the '/' subfolder. */
    public record Target(Path folder, String filename, int counter, String subfolder, String filenamePrefix) {
        /** The file name of one batch item: {@code <prefix>_<counter:05d>_<suffix>}. */
        public String fileName(int batchIndex, String extension) {
            String name = filename.replace("%batch_num%", Integer.toString(batchIndex));
            return String.format("%s_%05d_.%s", name, counter + batchIndex, extension);
        }

        public Path file(int batchIndex, String extension) {
            return folder.resolve(fileName(batchIndex, extension));
        }
    }

    /** The save node's error; its message is the text that becomes the execution error. */
    public static final class OutsideOutputFolderException extends RuntimeException {
        public OutsideOutputFolderException(String message) {
            super(message, null, false, false);
        }
    }

    private OutputNaming() {}

    /**
     * Resolves a prefix against {@code outputRoot} (creating the folder), like ComfyUI's
     * {@code get_save_image_path}: {@code %width%} and friends are substituted, the directory part becomes
     * the subfolder, and the counter continues after the largest existing {@code <prefix>_<n>_} file.
     */
    public static Target resolve(String filenamePrefix, Path outputRoot, int width, int height) {
        return resolve(filenamePrefix, outputRoot, width, height, LocalDateTime.now());
    }

    static Target resolve(String filenamePrefix, Path outputRoot, int width, int height, LocalDateTime now) {
        String prefix = substitute(filenamePrefix, width, height, now);
        String normal = normalise(prefix);
        int slash = normal.lastIndexOf('/');
        String subfolder = slash < 0 ? "" : normal.substring(0, slash);
        String filename = normal.substring(slash + 1);
        Path root = outputRoot.toAbsolutePath().normalize();
        Path folder = root.resolve(subfolder).normalize();
        if (!folder.startsWith(root) || !SafePaths.inside(root, folder)) {
            throw new OutsideOutputFolderException("**** ERROR: Saving image outside the output folder is not allowed."
                    + "\n full_output_folder: " + folder
                    + "\n         output_dir: " + root
                    + "\n         commonpath: " + commonPath(root, folder));
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int counter = nextCounter(folder, filename);
        String relSub = SafePaths.slashed(root.relativize(folder));
        return new Target(folder, filename, counter, relSub.equals("") ? "" : relSub, filenamePrefix);
    }

    static String substitute(String prefix, int width, int height, LocalDateTime now) {
        if (!prefix.contains("%")) return prefix;
        return prefix.replace("%width%", Integer.toString(width))
                .replace("%height%", Integer.toString(height))
                .replace("%year%", Integer.toString(now.getYear()))
                .replace("%month%", String.format("%02d", now.getMonthValue()))
                .replace("%day%", String.format("%02d", now.getDayOfMonth()))
                .replace("%hour%", String.format("%02d", now.getHour()))
                .replace("%minute%", String.format("%02d", now.getMinute()))
                .replace("%second%", String.format("%02d", now.getSecond()));
    }

    /** os.path.normpath on '/'-separated text: drops "." and empty segments, folds "..", keeps leading ones. */
    static String normalise(String path) {
        String p = path.replace('\\', '/');
        boolean absolute = p.startsWith("/");
        java.util.ArrayDeque<String> out = new java.util.ArrayDeque<>();
        for (String seg : p.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) continue;
            if (seg.equals("..") && !out.isEmpty() && !out.peekLast().equals("..")) out.removeLast();
            else if (seg.equals("..") && absolute) continue;
            else out.addLast(seg);
        }
        String joined = String.join("/", out);
        return absolute ? "/" + joined : joined;
    }

    private static String commonPath(Path a, Path b) {
        Path common = a.getRoot();
        for (int i = 0; i < Math.min(a.getNameCount(), b.getNameCount()); i++) {
            if (!a.getName(i).equals(b.getName(i))) break;
            common = common.resolve(a.getName(i));
        }
        return String.valueOf(common);
    }

    /** 1 + the largest number found in {@code <prefix>_<digits>_...} names directly in the folder, else 1. */
    static int nextCounter(Path folder, String prefix) {
        int max = 0;
        String head = prefix + "_";
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!name.startsWith(head)) continue;
                String rest = name.substring(head.length());
                int end = rest.indexOf('_');
                String digits = end < 0 ? rest : rest.substring(0, end);
                int n = 0;
                if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit) && digits.length() < 10) n = Integer.parseInt(digits);
                max = Math.max(max, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return max + 1;
    }

    /** {@code {"filename", "subfolder", "type"}}, the entry of a node's {@code images} UI list. */
    public static ObjectNode uiResult(String filename, String subfolder, String type) {
        ObjectNode o = Json.object();
        o.put("filename", filename);
        o.put("subfolder", subfolder);
        o.put("type", type);
        return o;
    }
}
