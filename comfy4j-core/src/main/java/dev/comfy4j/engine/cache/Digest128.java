package dev.comfy4j.engine.cache;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A keyed 122-bit digest of a token stream: two polynomial hashes modulo the prime 2^61-1 with
 * bases drawn at random when the JVM starts. Two different streams collide with probability about
 * {@code length / 2^122}; the bases are secret, so a client cannot craft a collision. Used to stand
 * for ComfyUI's cache signatures, which would otherwise grow with the square of a graph's depth.
 *
 * <p>Not thread-safe: one instance per digest being computed.
 */
final class Digest128 {
    static final long P = (1L << 61) - 1;
    private static final SecureRandom RANDOM = new SecureRandom();
    static final long BASE_1 = 2 + Math.floorMod(RANDOM.nextLong(), P - 3);
    static final long BASE_2 = 2 + Math.floorMod(RANDOM.nextLong(), P - 3);
    /** Values that equal nothing else (NaN, objects that are not plain data) get a token of their own. */
    private static final AtomicLong FRESH = new AtomicLong();

    private static final int TAG_NONE = 1;
    private static final int TAG_STRING = 2;
    private static final int TAG_INT = 3;
    private static final int TAG_FLOAT = 4;
    private static final int TAG_DECIMAL = 5;
    private static final int TAG_LIST = 6;
    private static final int TAG_MAP = 7;
    private static final int TAG_UNIQUE = 8;

    private long h1;
    private long h2;
    private long length;

    /** The finished digest. */
    record Value(long first, long second) {}

    Digest128 add(long token) {
        long t = Math.floorMod(token, P);
        h1 = addMod(mulMod(h1, BASE_1), t);
        h2 = addMod(mulMod(h2, BASE_2), t);
        length++;
        return this;
    }

    /** Adds a 64-bit value as two 32-bit tokens, so that no two values share a token pair. */
    Digest128 addLong(long v) {
        return add(v >>> 32).add(v & 0xFFFF_FFFFL);
    }

    Digest128 addString(String s) {
        add(TAG_STRING).add(s.length());
        int i = 0;
        for (; i + 1 < s.length(); i += 2) add(((long) s.charAt(i) << 16) | s.charAt(i + 1));
        if (i < s.length()) add(s.charAt(i));
        return this;
    }

    Digest128 addUnique() {
        return add(TAG_UNIQUE).addLong(FRESH.incrementAndGet());
    }

    Digest128 addDigest(Value v) {
        return add(v.first()).add(v.second());
    }

    /**
     * Adds a value made by {@link Hashable#of}: equal values (by {@code equals}) give equal tokens,
     * different ones different tokens, map entries in any order.
     */
    Digest128 addHashable(Object value) {
        switch (value) {
            case String s -> addString(s);
            case BigInteger b -> addBytes(TAG_INT, b.toByteArray());
            case Double d -> add(TAG_FLOAT).addLong(Double.doubleToLongBits(d));
            case BigDecimal d -> addBytes(TAG_DECIMAL, d.unscaledValue().toByteArray()).add(d.scale());
            case List<?> list -> {
                add(TAG_LIST).add(list.size());
                for (Object item : list) addHashable(item);
            }
            case Map<?, ?> map -> {
                // Order-free: the sum of each entry's own digest.
                long s1 = 0;
                long s2 = 0;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    Value entry = new Digest128().addHashable(e.getKey()).addHashable(e.getValue()).value();
                    s1 = addMod(s1, entry.first());
                    s2 = addMod(s2, entry.second());
                }
                add(TAG_MAP).add(map.size()).add(s1).add(s2);
            }
            default -> {
                if (Hashable.isNone(value)) add(TAG_NONE);
                else addUnique(); // a fresh marker: equal only to itself, which is never hashed twice
            }
        }
        return this;
    }

    private Digest128 addBytes(int tag, byte[] bytes) {
        add(tag).add(bytes.length);
        for (byte b : bytes) add(b & 0xFF);
        return this;
    }

    /** The digest of everything added, the stream length included. */
    Value value() {
        long f1 = addMod(mulMod(h1, BASE_1), Math.floorMod(length, P));
        long f2 = addMod(mulMod(h2, BASE_2), Math.floorMod(length, P));
        return new Value(f1, f2);
    }

    static long addMod(long a, long b) {
        long s = a + b;
        return s >= P ? s - P : s;
    }

    static long mulMod(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        // a*b = hi*2^64 + lo; 2^61 = 1 (mod P), so 2^64 = 8.
        long r = (lo & P) + ((lo >>> 61) | (hi << 3));
        r = (r & P) + (r >>> 61);
        return r >= P ? r - P : r;
    }
}
