package dev.comfy4j.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} body, parsed the way aiohttp's {@code request.post()} sees it: a part
 * with a {@code filename} is a file, any other part a text field. The size limit counts the parts'
 * contents, not the boundaries and headers, so a file of exactly the limit is accepted; more gives
 * aiohttp's 413.
 */
public final class Multipart {
    /** One part. {@code filename} is null for a plain field. */
    public record Part(String name, String filename, String contentType, byte[] data) {
        public boolean isFile() { return filename != null && !filename.isEmpty(); }

        public String text() { return new String(data, StandardCharsets.UTF_8); }
    }

    private static final Pattern BOUNDARY = Pattern.compile("boundary=(\"([^\"]*)\"|[^;\\s]+)", Pattern.CASE_INSENSITIVE);
    /** Boundaries and part headers on top of the limit before we stop reading: generous, still bounded. */
    private static final long FRAMING_ALLOWANCE = 1024 * 1024;

    private final List<Part> parts;

    private Multipart(List<Part> parts) {
        this.parts = parts;
    }

    public List<Part> parts() { return parts; }

    /** The first part of that name (aiohttp's MultiDict.get). */
    public Optional<Part> part(String name) {
        return parts.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The first field of that name as text; a file part gives its content as text. */
    public Optional<String> field(String name) {
        return part(name).map(Part::text);
    }

    /**
     * Reads and parses the body. A request that is not multipart, or is malformed, gives a 400 (aiohttp
     * would treat it as an empty form: the upload routes then answer 400 too).
     */
    public static Multipart read(String contentType, InputStream body, long declaredLength, long limit) throws IOException {
        String boundary = boundary(contentType).orElseThrow(() -> HttpError.empty(400));
        long cap = limit + FRAMING_ALLOWANCE;
        if (declaredLength > cap) throw tooLarge(limit, declaredLength);
        byte[] raw = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
        if (raw.length > cap) throw tooLarge(limit, raw.length);
        return new Multipart(parse(raw, boundary, limit));
    }

    static Optional<String> boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) return Optional.empty();
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) return Optional.empty();
        String b = m.group(2) != null ? m.group(2) : m.group(1);
        return b.isEmpty() ? Optional.empty() : Optional.of(b);
    }

    private static HttpError tooLarge(long limit, long actual) {
        return HttpError.text(413, "Maximum request body size " + limit + " exceeded, actual body size " + actual);
    }

    static List<Part> parse(byte[] raw, String boundary, long limit) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] crlfDelimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<Part> parts = new ArrayList<>();
        int pos = indexOf(raw, delimiter, 0);
        if (pos < 0) throw HttpError.empty(400);
        pos += delimiter.length;
        long total = 0;
        while (true) {
            if (pos + 2 <= raw.length && raw[pos] == '-' && raw[pos + 1] == '-') break; // closing delimiter
            pos = skipLineEnd(raw, pos);
            int headerEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), pos);
            Map<String, String> headers;
            int contentStart;
            if (headerEnd == pos - 2 || startsWith(raw, pos, "\r\n")) {
                headers = Map.of();
                contentStart = pos + 2;
            } else {
                if (headerEnd < 0) throw HttpError.empty(400);
                headers = headers(new String(raw, pos, headerEnd - pos, StandardCharsets.UTF_8));
                contentStart = headerEnd + 4;
            }
            int contentEnd = indexOf(raw, crlfDelimiter, contentStart);
            if (contentEnd < 0) throw HttpError.empty(400);
            byte[] data = java.util.Arrays.copyOfRange(raw, contentStart, contentEnd);
            total += data.length;
            if (total > limit) throw tooLarge(limit, total);
            String disposition = headers.getOrDefault("content-disposition", "");
            String name = param(disposition, "name");
            if (name != null) {
                parts.add(new Part(name, param(disposition, "filename"), headers.get("content-type"), data));
            }
            pos = contentEnd + crlfDelimiter.length;
            if (pos > raw.length) throw HttpError.empty(400);
        }
        return parts;
    }

    private static int skipLineEnd(byte[] raw, int pos) {
        while (pos < raw.length && (raw[pos] == ' ' || raw[pos] == '\t')) pos++;
        if (startsWith(raw, pos, "\r\n")) return pos + 2;
        if (pos < raw.length && raw[pos] == '\n') return pos + 1;
        return pos;
    }

    private static boolean startsWith(byte[] raw, int pos, String s) {
        if (pos + s.length() > raw.length) return false;
        for (int i = 0; i < s.length(); i++) if (raw[pos + i] != s.charAt(i)) return false;
        return true;
    }

    private static Map<String, String> headers(String block) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : block.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return headers;
    }

    /** A Content-Disposition parameter, quoted or not; {@code filename*} (RFC 5987) wins over {@code filename}. */
    static String param(String disposition, String key) {
        if (key.equals("filename")) {
            Matcher ext = Pattern.compile("(?:^|;)\\s*filename\\*\\s*=\\s*([^;]+)", Pattern.CASE_INSENSITIVE).matcher(disposition);
            if (ext.find()) {
                String v = ext.group(1).trim();
                int quote = v.indexOf("''");
                if (quote >= 0) {
                    try {
                        return java.net.URLDecoder.decode(v.substring(quote + 2).replace("+", "%2B"), StandardCharsets.UTF_8);
                    } catch (IllegalArgumentException e) {
                        return v.substring(quote + 2);
                    }
                }
            }
        }
        Matcher m = Pattern.compile("(?:^|;)\\s*" + Pattern.quote(key) + "\\s*=\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[^;]*)",
                Pattern.CASE_INSENSITIVE).matcher(disposition);
        if (!m.find()) return null;
        if (m.group(2) != null) return m.group(2).replaceAll("\\\\(.)", "$1");
        return m.group(1).trim();
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    /** Builds a body (tests and tools). */
    public static byte[] build(String boundary, List<Part> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part p : parts) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.name() + "\""
                    + (p.filename() != null ? "; filename=\"" + p.filename() + "\"" : "") + "\r\n"
                    + (p.contentType() != null ? "Content-Type: " + p.contentType() + "\r\n" : "") + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.writeBytes(p.data());
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }
}
