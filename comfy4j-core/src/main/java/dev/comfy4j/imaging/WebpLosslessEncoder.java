package dev.comfy4j.imaging;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * A small lossless WebP (VP8L, RFC 9649) encoder: no transforms, no colour cache, no backward
 * references, one group of five prefix codes built from the pixel histograms. The files are larger
 * than libwebp's but decode to exactly the input pixels.
 */
public final class WebpLosslessEncoder {
    private static final int[] CODE_LENGTH_ORDER = {17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    private static final int GREEN_ALPHABET = 256 + 24; // literals + length prefixes, no colour cache
    private static final int DISTANCE_ALPHABET = 40;

    private WebpLosslessEncoder() {}

    public static byte[] encode(int width, int height, int[] argb, boolean withAlpha) {
        if (width < 1 || height < 1 || width > 16384 || height > 16384) {
            throw new IllegalArgumentException("WebP images are 1 to 16384 pixels wide and high");
        }
        int[] green = new int[GREEN_ALPHABET];
        int[] red = new int[256];
        int[] blue = new int[256];
        int[] alpha = new int[256];
        int n = width * height;
        for (int i = 0; i < n; i++) {
            int p = argb[i];
            green[(p >> 8) & 0xff]++;
            red[(p >> 16) & 0xff]++;
            blue[p & 0xff]++;
            alpha[withAlpha ? p >>> 24 : 255]++;
        }
        BitWriter w = new BitWriter();
        w.write(0x2f, 8);
        w.write(width - 1, 14);
        w.write(height - 1, 14);
        w.write(withAlpha ? 1 : 0, 1);
        w.write(0, 3); // version
        w.write(0, 1); // no transform
        w.write(0, 1); // no colour cache
        w.write(0, 1); // no meta prefix codes
        int[][] codes = new int[4][];
        int[][] lengths = new int[4][];
        int[][] histograms = {green, red, blue, alpha};
        for (int k = 0; k < 4; k++) {
            lengths[k] = codeLengths(histograms[k], 15);
            codes[k] = writePrefixCode(w, lengths[k]);
        }
        writePrefixCode(w, codeLengths(new int[DISTANCE_ALPHABET], 15));
        for (int i = 0; i < n; i++) {
            int p = argb[i];
            int[] symbols = {(p >> 8) & 0xff, (p >> 16) & 0xff, p & 0xff, withAlpha ? p >>> 24 : 255};
            for (int k = 0; k < 4; k++) w.write(codes[k][symbols[k]], lengths[k][symbols[k]]);
        }
        byte[] vp8l = w.toByteArray();
        ByteArrayOutputStream riff = new ByteArrayOutputStream();
        int padded = vp8l.length + (vp8l.length & 1);
        riff.writeBytes("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        le32(riff, 4 + 8 + padded);
        riff.writeBytes("WEBPVP8L".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        le32(riff, vp8l.length);
        riff.writeBytes(vp8l);
        if ((vp8l.length & 1) == 1) riff.write(0);
        return riff.toByteArray();
    }

    private static void le32(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    /**
     * Writes one prefix code and returns the bit-reversed canonical codes to write symbols with. Zero or
     * one used symbol is written as a "simple" code whose single symbol costs no bits.
     */
    private static int[] writePrefixCode(BitWriter w, int[] lengths) {
        int used = 0;
        int only = 0;
        for (int s = 0; s < lengths.length; s++) {
            if (lengths[s] > 0) {
                used++;
                only = s;
            }
        }
        if (used <= 1) {
            w.write(1, 1); // simple code
            w.write(0, 1); // one symbol
            if (only < 2) {
                w.write(0, 1);
                w.write(only, 1);
            } else {
                w.write(1, 1);
                w.write(only, 8);
            }
            int[] lens = new int[lengths.length];
            Arrays.fill(lengths, 0); // a lone symbol is read with zero bits
            return lens;
        }
        w.write(0, 1); // normal code
        int[] lengthHistogram = new int[19];
        for (int len : lengths) lengthHistogram[len]++;
        int[] lengthCodeLengths = codeLengths(lengthHistogram, 7);
        int[] lengthCodes = canonicalCodes(lengthCodeLengths);
        int usedLengthSymbols = 0;
        for (int len : lengthCodeLengths) if (len > 0) usedLengthSymbols++;
        w.write(19 - 4, 4);
        for (int i = 0; i < 19; i++) w.write(lengthCodeLengths[CODE_LENGTH_ORDER[i]], 3);
        w.write(0, 1); // max_symbol = the whole alphabet
        for (int len : lengths) {
            // A code-length code with one symbol is read with zero bits.
            if (usedLengthSymbols > 1) w.write(lengthCodes[len], lengthCodeLengths[len]);
        }
        return canonicalCodes(lengths);
    }

    /** Huffman code lengths for a histogram, limited to {@code limit} bits by flattening the counts. */
    public static int[] codeLengths(int[] histogram, int limit) {
        long[] counts = new long[histogram.length];
        for (int i = 0; i < counts.length; i++) counts[i] = histogram[i];
        while (true) {
            int[] lengths = huffman(counts);
            int max = Arrays.stream(lengths).max().orElse(0);
            if (max <= limit) return lengths;
            for (int i = 0; i < counts.length; i++) if (counts[i] > 0) counts[i] = (counts[i] + 1) / 2;
        }
    }

    private record Node(long weight, int symbol, Node left, Node right, int order) {}

    private static int[] huffman(long[] counts) {
        int[] lengths = new int[counts.length];
        PriorityQueue<Node> queue = new PriorityQueue<>((a, b) -> a.weight != b.weight
                ? Long.compare(a.weight, b.weight) : Integer.compare(a.order, b.order));
        int order = 0;
        for (int s = 0; s < counts.length; s++) if (counts[s] > 0) queue.add(new Node(counts[s], s, null, null, order++));
        if (queue.size() == 1) {
            lengths[queue.peek().symbol] = 1;
            return lengths;
        }
        while (queue.size() > 1) {
            Node a = queue.poll();
            Node b = queue.poll();
            queue.add(new Node(a.weight + b.weight, -1, a, b, order++));
        }
        assign(queue.poll(), 0, lengths);
        return lengths;
    }

    private static void assign(Node node, int depth, int[] lengths) {
        if (node == null) return;
        if (node.symbol >= 0) {
            lengths[node.symbol] = depth;
            return;
        }
        assign(node.left, depth + 1, lengths);
        assign(node.right, depth + 1, lengths);
    }

    /** Canonical codes (as in DEFLATE), bit-reversed so that they can be written least significant bit first. */
    public static int[] canonicalCodes(int[] lengths) {
        int max = Arrays.stream(lengths).max().orElse(0);
        int[] count = new int[max + 2];
        for (int len : lengths) if (len > 0) count[len]++;
        int[] next = new int[max + 2];
        int code = 0;
        for (int bits = 1; bits <= max; bits++) {
            code = (code + count[bits - 1]) << 1;
            next[bits] = code;
        }
        int[] codes = new int[lengths.length];
        for (int s = 0; s < lengths.length; s++) {
            int len = lengths[s];
            if (len == 0) continue;
            codes[s] = Integer.reverse(next[len]++) >>> (32 - len);
        }
        return codes;
    }

    /** Packs bits least significant first, as VP8L reads them. */
    private static final class BitWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long buffer;
        private int used;

        void write(int value, int bits) {
            if (bits == 0) return;
            buffer |= ((long) value & ((1L << bits) - 1)) << used;
            used += bits;
            while (used >= 8) {
                out.write((int) buffer & 0xff);
                buffer >>>= 8;
                used -= 8;
            }
        }

        byte[] toByteArray() {
            if (used > 0) {
                out.write((int) buffer & 0xff);
                buffer = 0;
                used = 0;
            }
            return out.toByteArray();
        }
    }
}
