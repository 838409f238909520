package dev.comfy4j.frontend;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Unpacks a downloaded zip into an empty folder, refusing the whole archive when any entry would land
 * outside it ("zip slip": {@code ../x}, absolute names, drive letters; each path is checked after it
 * is resolved and normalised) or when it unpacks to more than the limits allow (a zip bomb).
 */
final class SafeUnzip {
    static final long MAX_TOTAL_BYTES = 2L * 1024 * 1024 * 1024;
    static final int MAX_ENTRIES = 100_000;

    private SafeUnzip() {}

    static void extract(Path zip, Path destination) throws IOException {
        Path root = destination.toAbsolutePath().normalize();
        Files.createDirectories(root);
        long total = 0;
        int count = 0;
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (++count > MAX_ENTRIES) throw new IOException("the archive has more than " + MAX_ENTRIES + " entries");
                if (entry.isDirectory() && entry.getName().replace('\\', '/').matches("(\\./)*")) continue; // "./"
                Path target = resolveInside(root, entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = file.getInputStream(entry); OutputStream out = Files.newOutputStream(target)) {
                    byte[] buffer = new byte[64 * 1024];
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        total += n;
                        if (total > MAX_TOTAL_BYTES) {
                            throw new IOException("the archive unpacks to more than " + MAX_TOTAL_BYTES + " bytes");
                        }
                        out.write(buffer, 0, n);
                    }
                }
            }
        }
    }

    /** Where an entry goes; an entry that would leave {@code root} fails the archive. */
    static Path resolveInside(Path root, String name) throws IOException {
        String unified = name.replace('\\', '/');
        if (unified.startsWith("/") || unified.matches("^[A-Za-z]:.*") || unified.indexOf('\0') >= 0) {
            throw new IOException("unsafe entry in the archive: " + name);
        }
        Path target = root.resolve(unified).normalize();
        if (!target.startsWith(root) || target.equals(root)) throw new IOException("unsafe entry in the archive: " + name);
        return target;
    }
}
