package dev.comfy4j.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads the text chunks of a PNG ({@code tEXt}, {@code zTXt}, {@code iTXt}) into key → value, as
 * Pillow's {@code Image.text}. Anything that is not a well-formed PNG gives an empty map.
 */
public final class PngText {
    private static final int MAX_INFLATED = 64 * 1024 * 1024;

    private PngText() {}

    public static Map<String, String> read(byte[] png) {
        Map<String, String> text = new LinkedHashMap<>();
        if (png.length < 8 || (png[0] & 0xff) != 137 || png[1] != 'P' || png[2] != 'N' || png[3] != 'G') return text;
        ByteBuffer buf = ByteBuffer.wrap(png);
        buf.position(8);
        while (buf.remaining() >= 12) {
            int length = buf.getInt();
            if (length < 0 || length > buf.remaining() - 8) break;
            byte[] type = new byte[4];
            buf.get(type);
            byte[] data = new byte[length];
            buf.get(data);
            buf.getInt(); // CRC, not checked: Pillow does not check text chunks' CRCs either
            String name = new String(type, StandardCharsets.US_ASCII);
            try {
                switch (name) {
                    case "tEXt" -> tEXt(data, text);
                    case "zTXt" -> zTXt(data, text);
                    case "iTXt" -> iTXt(data, text);
                    case "IEND" -> { return text; }
                    default -> { }
                }
            } catch (RuntimeException | DataFormatException e) {
                // A broken text chunk is skipped, the rest of the file still counts.
            }
        }
        return text;
    }

    private static int zero(byte[] data, int from) {
        for (int i = from; i < data.length; i++) if (data[i] == 0) return i;
        return -1;
    }

    private static void tEXt(byte[] data, Map<String, String> text) {
        int z = zero(data, 0);
        if (z < 0) return;
        text.put(new String(data, 0, z, StandardCharsets.ISO_8859_1),
                new String(data, z + 1, data.length - z - 1, StandardCharsets.ISO_8859_1));
    }

    private static void zTXt(byte[] data, Map<String, String> text) throws DataFormatException {
        int z = zero(data, 0);
        if (z < 0 || z + 2 > data.length) return;
        byte[] value = inflate(data, z + 2);
        text.put(new String(data, 0, z, StandardCharsets.ISO_8859_1), new String(value, StandardCharsets.ISO_8859_1));
    }

    private static void iTXt(byte[] data, Map<String, String> text) throws DataFormatException {
        int z = zero(data, 0);
        if (z < 0 || z + 3 > data.length) return;
        boolean compressed = data[z + 1] != 0;
        int lang = zero(data, z + 3);
        if (lang < 0) return;
        int translated = zero(data, lang + 1);
        if (translated < 0) return;
        byte[] value = compressed ? inflate(data, translated + 1)
                : java.util.Arrays.copyOfRange(data, translated + 1, data.length);
        text.put(new String(data, 0, z, StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8));
    }

    private static byte[] inflate(byte[] data, int offset) throws DataFormatException {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data, offset, data.length - offset);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) break;
                out.write(chunk, 0, n);
                if (out.size() > MAX_INFLATED) throw new DataFormatException("text chunk too large");
            }
            return out.toByteArray();
        } finally {
            inflater.end();
        }
    }
}
