package dev.comfy4j.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * WebP files with EXIF as Pillow 9.4 writes them for SaveAnimatedWEBP: several frames become an
 * animation (VP8X, ANIM, one ANMF per frame, EXIF), one frame a still image (VP8X, VP8L, EXIF).
 * Frames are lossless VP8L. As libwebp's animation encoder does, a frame identical to the previous
 * one is not stored; the previous frame lasts longer instead.
 */
public final class AnimatedWebpWriter {
    private AnimatedWebpWriter() {}

    public static byte[] encode(int width, int height, List<int[]> frames, boolean withAlpha, int durationMs, byte[] exif) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean animated = frames.size() > 1;
        int flags = (animated ? 0x02 : 0) | (exif.length > 0 ? 0x08 : 0) | (withAlpha ? 0x10 : 0);
        ByteBuffer vp8x = le(10);
        vp8x.putInt(flags);
        put24(vp8x, width - 1);
        put24(vp8x, height - 1);
        chunk(body, "VP8X", vp8x.array());
        if (animated) {
            ByteBuffer anim = le(6);
            anim.putInt(0); // background: transparent black, as Pillow's default
            anim.putShort((short) 0); // loop forever
            chunk(body, "ANIM", anim.array());
            List<int[]> stored = new ArrayList<>();
            List<Integer> durations = new ArrayList<>();
            for (int[] argb : frames) {
                if (!stored.isEmpty() && Arrays.equals(stored.get(stored.size() - 1), argb)) {
                    durations.set(durations.size() - 1, durations.get(durations.size() - 1) + durationMs);
                } else {
                    stored.add(argb);
                    durations.add(durationMs);
                }
            }
            for (int i = 0; i < stored.size(); i++) {
                byte[] vp8l = vp8l(width, height, stored.get(i), withAlpha);
                ByteArrayOutputStream frame = new ByteArrayOutputStream();
                ByteBuffer header = le(16);
                put24(header, 0);
                put24(header, 0);
                put24(header, width - 1);
                put24(header, height - 1);
                put24(header, Math.min(durations.get(i), 0xffffff));
                header.put((byte) 0x02); // no blending, no disposal
                frame.writeBytes(header.array());
                chunk(frame, "VP8L", vp8l);
                chunk(body, "ANMF", frame.toByteArray());
            }
        } else {
            chunk(body, "VP8L", vp8l(width, height, frames.get(0), withAlpha));
        }
        if (exif.length > 0) chunk(body, "EXIF", exif);
        ByteArrayOutputStream riff = new ByteArrayOutputStream();
        riff.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        riff.writeBytes(le(4).putInt(4 + body.size()).array());
        riff.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        riff.writeBytes(body.toByteArray());
        return riff.toByteArray();
    }

    /** The VP8L bitstream of one frame: the payload of the lossless encoder's single VP8L chunk. */
    public static byte[] vp8l(int width, int height, int[] argb, boolean withAlpha) {
        byte[] file = ImageEncoders.webp(width, height, argb, withAlpha);
        int length = ByteBuffer.wrap(file, 16, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return Arrays.copyOfRange(file, 20, 20 + length);
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void put24(ByteBuffer b, int v) {
        b.put((byte) v).put((byte) (v >> 8)).put((byte) (v >> 16));
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(type.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le(4).putInt(data.length).array());
        out.writeBytes(data);
        if ((data.length & 1) == 1) out.write(0);
    }
}
