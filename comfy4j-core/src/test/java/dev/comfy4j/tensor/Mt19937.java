package dev.comfy4j.tensor;

/**
 * The reference MT19937 (Matsumoto and Nishimura's {@code init_genrand} and {@code genrand_int32}), written from the
 * paper's description to check torch's CPU generator against: torch seeds it with the seed's low 32 bits.
 */
final class Mt19937 {
    private static final int N = 624;
    private static final int M = 397;
    private final int[] mt = new int[N];
    private int index = N;

    Mt19937(long seed) {
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
    }

    /** The next 32-bit output, unsigned. */
    long next() {
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

    Mt19937 skip(long outputs) {
        for (long i = 0; i < outputs; i++) next();
        return this;
    }
}
