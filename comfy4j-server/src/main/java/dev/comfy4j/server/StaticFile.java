package dev.comfy4j.server;

import dev.comfy4j.files.MimeTypes;
import dev.comfy4j.server.Exchange;
import dev.comfy4j.server.HttpError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves one file with aiohttp's {@code FileResponse} semantics (API spec §3.4): ETag
 * {@code "<mtime_ns hex>-<size hex>"}, Last-Modified, {@code If-Match}, {@code If-None-Match},
 * {@code If-Modified-Since} (304), {@code If-Unmodified-Since} (412), a single {@code Range} (206, 416)
 * and {@code Accept-Ranges: bytes}. The caller has checked that the path is a regular file inside its root.
 */
public final class StaticFile {
    private static final Pattern RANGE = Pattern.compile("^bytes=(\\d*)-(\\d*)$");
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.US);

    private StaticFile() {}

    /** Serves {@code file} with the type guessed from its name. */
    public static void serve(Exchange ex, Path file) throws IOException {
        serve(ex, file, MimeTypes.guessOrOctetStream(file.getFileName().toString()));
    }

    public static void serve(Exchange ex, Path file, String contentType) throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attrs.isRegularFile()) throw HttpError.notFound();
        long size = attrs.size();
        Instant mtime = attrs.lastModifiedTime().toInstant();
        long mtimeNs = TimeUnit.SECONDS.toNanos(mtime.getEpochSecond()) + mtime.getNano();
        double mtimeSeconds = mtime.getEpochSecond() + mtime.getNano() / 1e9;
        String etag = "\"" + Long.toHexString(mtimeNs) + "-" + Long.toHexString(size) + "\"";
        String lastModified = HTTP_DATE.format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(mtime.getEpochSecond()), ZoneOffset.UTC));

        String ifMatch = ex.header("If-Match");
        if (ifMatch != null && !etagListMatches(ifMatch, etag, false)) {
            preconditionFailed(ex, etag, lastModified);
            return;
        }
        Long unmodifiedSince = httpDate(ex.header("If-Unmodified-Since"));
        if (ifMatch == null && unmodifiedSince != null && mtimeSeconds > unmodifiedSince) {
            preconditionFailed(ex, etag, lastModified);
            return;
        }
        String ifNoneMatch = ex.header("If-None-Match");
        Long modifiedSince = httpDate(ex.header("If-Modified-Since"));
        if (ifNoneMatch != null ? etagListMatches(ifNoneMatch, etag, true)
                : modifiedSince != null && mtimeSeconds <= modifiedSince) {
            ex.header("ETag", etag);
            ex.header("Last-Modified", lastModified);
            ex.empty(304);
            return;
        }

        long start = 0;
        long end = size; // exclusive
        int status = 200;
        String range = ex.header("Range");
        String ifRange = ex.header("If-Range");
        boolean rangeApplies = range != null && (ifRange == null || ifRange.equals(etag) || ifRange.equals(lastModified));
        if (rangeApplies) {
            Matcher m = RANGE.matcher(range.trim());
            if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
                unsatisfiable(ex, size);
                return;
            }
            try {
                if (m.group(1).isEmpty()) {
                    long suffix = Long.parseLong(m.group(2));
                    start = Math.max(0, size - suffix);
                } else {
                    start = Long.parseLong(m.group(1));
                    if (!m.group(2).isEmpty()) end = Math.min(size, Long.parseLong(m.group(2)) + 1);
                }
            } catch (NumberFormatException e) {
                unsatisfiable(ex, size);
                return;
            }
            if (start >= size || start >= end) {
                unsatisfiable(ex, size);
                return;
            }
            status = 206;
            ex.header("Content-Range", "bytes " + start + "-" + (end - 1) + "/" + size);
        }
        ex.header("ETag", etag);
        ex.header("Last-Modified", lastModified);
        ex.header("Accept-Ranges", "bytes");
        long length = end - start;
        ex.ctx().status(status);
        ex.ctx().contentType(contentType);
        ex.ctx().res().setContentLengthLong(length);
        if (ex.method().equals("HEAD")) {
            ex.ctx().result(new byte[0]);
            ex.ctx().res().setContentLengthLong(length);
            return;
        }
        if (length <= 16L * 1024 * 1024) {
            byte[] data = new byte[(int) length];
            try (var channel = Files.newByteChannel(file)) {
                channel.position(start);
                var buffer = java.nio.ByteBuffer.wrap(data);
                while (buffer.hasRemaining() && channel.read(buffer) >= 0) { /* keep reading */ }
            }
            ex.ctx().result(data);
        } else {
            InputStream in = Files.newInputStream(file);
            in.skipNBytes(start);
            ex.ctx().result(new BoundedInputStream(in, length));
        }
    }

    private static void preconditionFailed(Exchange ex, String etag, String lastModified) {
        ex.header("ETag", etag);
        ex.header("Last-Modified", lastModified);
        ex.empty(412);
    }

    private static void unsatisfiable(Exchange ex, long size) {
        ex.header("Content-Range", "bytes */" + size);
        ex.empty(416);
    }

    /** Whether a comma-separated ETag list names {@code etag}; weak comparison for If-None-Match. */
    private static boolean etagListMatches(String header, String etag, boolean weak) {
        for (String raw : header.split(",")) {
            String tag = raw.trim();
            if (tag.equals("*")) return true;
            if (weak && tag.startsWith("W/")) tag = tag.substring(2);
            if (tag.equals(etag)) return true;
        }
        return false;
    }

    /** An HTTP date in epoch seconds, or null when absent or malformed (then ignored, as in aiohttp). */
    private static Long httpDate(String value) {
        if (value == null) return null;
        try {
            return ZonedDateTime.parse(value.trim(), HTTP_DATE).toEpochSecond();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Streams at most {@code remaining} bytes of a large file, closing it at the end. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) return -1;
            int b = in.read();
            if (b >= 0) remaining--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) remaining -= n;
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
