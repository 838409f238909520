package dev.comfy4j.sampling;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * numpy's {@code np.random.SeedSequence(entropy, spawn_key=..., pool_size=...).generate_state(n)}, the
 * hash that torchsde's Brownian interval uses to derive a generator seed for every node of its tree.
 * Written from numpy's documented algorithm (entropy and spawn key assembled into 32-bit words, mixed
 * into a pool by a multiply-xorshift hash, words drawn from the pool by a second hash), so that
 * comfy4j's SDE samplers draw the same noise as ComfyUI's. All arithmetic is on unsigned 32-bit words,
 * which Java's int wrap-around gives.
 */
public final class NumpySeedSequence {
    private static final int INIT_A = 0x43b0d7e5;
    private static final int MULT_A = 0x931e8875;
    private static final int INIT_B = 0x8b51f9dd;
    private static final int MULT_B = 0x58f38ded;
    private static final int MIX_MULT_L = 0xca01f9dd;
    private static final int MIX_MULT_R = 0x4973f715;
    private static final int XSHIFT = 16;
    private static final BigInteger WORD = BigInteger.ONE.shiftLeft(32);

    private final int[] pool;

    /**
     * @param entropy the run entropy, a non-negative integer of any size
     * @param spawnKey the spawn key's integers (empty for a root sequence)
     * @param poolSize numpy's {@code pool_size} (4 by default; torchsde's Brownian tree uses 24)
     */
    public NumpySeedSequence(BigInteger entropy, long[] spawnKey, int poolSize) {
        if (poolSize < 1) throw new IllegalArgumentException("pool_size must be positive");
        this.pool = new int[poolSize];
        mixEntropy(assembledEntropy(entropy, spawnKey, poolSize));
    }

    /** {@code generate_state(n)} with the default uint32 words; each word as an unsigned value. */
    public long[] generateState(int words) {
        long[] state = new long[words];
        int hashConst = INIT_B;
        for (int i = 0; i < words; i++) {
            int value = pool[i % pool.length];
            value ^= hashConst;
            hashConst *= MULT_B;
            value *= hashConst;
            value ^= value >>> XSHIFT;
            state[i] = Integer.toUnsignedLong(value);
        }
        return state;
    }

    /** The entropy words, zero-padded to the pool size when a spawn key follows (numpy 1.19 and later). */
    private static int[] assembledEntropy(BigInteger entropy, long[] spawnKey, int poolSize) {
        int[] run = words(entropy);
        int[] spawn = new int[0];
        for (long key : spawnKey) spawn = concat(spawn, words(BigInteger.valueOf(key)));
        if (spawn.length > 0 && run.length < poolSize) run = Arrays.copyOf(run, poolSize);
        return concat(run, spawn);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** numpy's {@code _int_to_uint32_array}: little-endian 32-bit words, one zero word for 0. */
    static int[] words(BigInteger n) {
        if (n.signum() < 0) throw new IllegalArgumentException("expected non-negative integer");
        if (n.signum() == 0) return new int[]{0};
        int[] out = new int[(n.bitLength() + 31) / 32];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.intValue();
            n = n.shiftRight(32);
        }
        return out;
    }

    private void mixEntropy(int[] entropy) {
        int[] hashConst = {INIT_A};
        for (int i = 0; i < pool.length; i++) pool[i] = hashmix(i < entropy.length ? entropy[i] : 0, hashConst);
        // every word feeds every other, so late words reach early ones
        for (int src = 0; src < pool.length; src++) {
            for (int dst = 0; dst < pool.length; dst++) {
                if (src != dst) pool[dst] = mix(pool[dst], hashmix(pool[src], hashConst));
            }
        }
        for (int src = pool.length; src < entropy.length; src++) {
            for (int dst = 0; dst < pool.length; dst++) pool[dst] = mix(pool[dst], hashmix(entropy[src], hashConst));
        }
    }

    private static int hashmix(int value, int[] hashConst) {
        value ^= hashConst[0];
        hashConst[0] *= MULT_A;
        value *= hashConst[0];
        value ^= value >>> XSHIFT;
        return value;
    }

    private static int mix(int x, int y) {
        int result = MIX_MULT_L * x - MIX_MULT_R * y;
        result ^= result >>> XSHIFT;
        return result;
    }

    /** An unsigned 64-bit seed (ComfyUI's seeds reach 2^64 - 1) as the integer numpy sees. */
    public static BigInteger unsigned(long seed) {
        BigInteger value = BigInteger.valueOf(seed);
        return seed >= 0 ? value : value.add(WORD.pow(2));
    }
}
