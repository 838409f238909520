package dev.comfy4j.nodes.modelpatch;

/**
 * The part of Python's {@code random} module HyperTile uses: {@code random.seed(n)} for a non-negative int
 * (MT19937 {@code init_by_array} over n's 32-bit words) and {@code randint(a, b)} (rejection sampling with
 * {@code getrandbits(bit_length(b - a + 1))}), so that tile choices match ComfyUI's.
 */
final class PythonRandom {
    private static final int N = 624;
    private static final int M = 397;
    private final int[] mt = new int[N];
    private int index;

    /** {@code random.seed(seed)}. */
    PythonRandom(long seed) {
        long n = Math.abs(seed);
        int words = Math.max(1, (64 - Long.numberOfLeadingZeros(n) + 31) / 32);
        int[] key = new int[words];
        for (int i = 0; i < words; i++) key[i] = (int) (n >>> (32 * i));
        initByArray(key);
    }

    private void initGenrand(int s) {
        mt[0] = s;
        for (int i = 1; i < N; i++) mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        index = N;
    }

    private void initByArray(int[] key) {
        initGenrand(19650218);
        int i = 1;
        int j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.length) j = 0;
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000;
    }

    /** {@code genrand_uint32}, as an unsigned value. */
    long nextUint32() {
        if (index >= N) {
            for (int k = 0; k < N; k++) {
                int y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
                mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            index = 0;
        }
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }

    /** {@code randint(a, b)} for a range of at most 2^32 values. */
    long randint(long a, long b) {
        long n = b - a + 1;
        int k = 64 - Long.numberOfLeadingZeros(n);
        long r;
        do {
            r = k == 0 ? 0 : nextUint32() >>> (32 - k);
        } while (r >= n);
        return a + r;
    }
}
