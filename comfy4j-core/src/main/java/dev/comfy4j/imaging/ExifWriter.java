package dev.comfy4j.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * A little-endian TIFF/EXIF block with one IFD of ASCII tags, as Pillow's {@code Exif.tobytes()}
 * lays it out: entries sorted by tag, values over 4 bytes after the IFD at even offsets. Characters
 * outside ASCII become '?', like Pillow's ASCII encoding with "replace".
 */
public final class ExifWriter {
    private ExifWriter() {}

    public static byte[] asciiTags(Map<Integer, String> tags) {
        TreeMap<Integer, byte[]> values = new TreeMap<>();
        for (Map.Entry<Integer, String> e : tags.entrySet()) {
            StringBuilder s = new StringBuilder();
            e.getValue().codePoints().forEach(c -> s.append(c < 128 ? (char) c : '?'));
            byte[] text = s.toString().getBytes(StandardCharsets.US_ASCII);
            byte[] z = new byte[text.length + 1];
            System.arraycopy(text, 0, z, 0, text.length);
            values.put(e.getKey(), z);
        }
        int ifdSize = 2 + 12 * values.size() + 4;
        int dataOffset = 8 + ifdSize;
        ByteBuffer ifd = ByteBuffer.allocate(ifdSize).order(ByteOrder.LITTLE_ENDIAN);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        ifd.putShort((short) values.size());
        for (Map.Entry<Integer, byte[]> e : values.entrySet()) {
            byte[] v = e.getValue();
            ifd.putShort((short) (int) e.getKey()).putShort((short) 2).putInt(v.length);
            if (v.length <= 4) {
                ifd.put(java.util.Arrays.copyOf(v, 4));
            } else {
                ifd.putInt(dataOffset + data.size());
                data.writeBytes(v);
                if ((v.length & 1) == 1) data.write(0);
            }
        }
        ifd.putInt(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'I', 'I', 0x2a, 0, 8, 0, 0, 0});
        out.writeBytes(ifd.array());
        out.writeBytes(data.toByteArray());
        return out.toByteArray();
    }
}
