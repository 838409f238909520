package dev.comfy4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * numpy's SeedSequence word for word. The expected words were printed by numpy 2.4's
 * {@code np.random.SeedSequence(entropy=..., spawn_key=..., pool_size=...).generate_state(n)}.
 */
class NumpySeedSequenceTest {
    @Test
    void rootSequencesMatchNumpy() {
        assertThat(state(BigInteger.valueOf(42), new long[0], 24, 3)).containsExactly(387750627L, 2536650517L, 4078839648L);
        assertThat(state(BigInteger.valueOf(12345), new long[0], 4, 6))
                .containsExactly(2688385916L, 3048105090L, 4196366895L, 3152189807L, 924159892L, 1692637855L);
    }

    @Test
    void spawnKeysPadTheEntropyToThePoolAndMixBeyondIt() {
        assertThat(state(BigInteger.valueOf(42), new long[]{0, 0}, 24, 4))
                .containsExactly(2102017995L, 2891809698L, 2144110403L, 379559146L);
        assertThat(state(BigInteger.ZERO, new long[]{123456789012L, 40}, 24, 2)).containsExactly(3979601206L, 1341944921L);
        assertThat(state(BigInteger.TWO.pow(40).add(BigInteger.valueOf(7)), new long[]{1}, 4, 5))
                .containsExactly(241746207L, 835151184L, 1819703714L, 2460251673L, 3074016238L);
    }

    @Test
    void theLargestComfySeedIsTwoWords() {
        assertThat(NumpySeedSequence.unsigned(-1L)).isEqualTo(BigInteger.TWO.pow(64).subtract(BigInteger.ONE));
        assertThat(state(NumpySeedSequence.unsigned(-1L), new long[]{5, 3}, 24, 4))
                .containsExactly(206752380L, 1890374860L, 654320852L, 1710134239L);
    }

    @Test
    void negativeEntropyIsRefusedAsNumpyDoes() {
        assertThatThrownBy(() -> new NumpySeedSequence(BigInteger.valueOf(-1), new long[0], 4))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static long[] state(BigInteger entropy, long[] spawnKey, int pool, int words) {
        return new NumpySeedSequence(entropy, spawnKey, pool).generateState(words);
    }
}
