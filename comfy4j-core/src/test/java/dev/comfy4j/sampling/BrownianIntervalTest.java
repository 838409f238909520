package dev.comfy4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The parts of torchsde's Brownian interval that are plain arithmetic. */
class BrownianIntervalTest {
    @Test
    void roundingIsPythonsRoundToSixDecimals() {
        // values Python 3 gives for round(x, 6): the exact binary value decides, ties go to even
        assertThat(BrownianInterval.round(14.614641189575195)).isEqualTo(14.614641);
        assertThat(BrownianInterval.round(0.0291675366461277)).isEqualTo(0.029168);
        assertThat(BrownianInterval.round(2.6750000000000001e-6)).isEqualTo(3e-6);
        assertThat(BrownianInterval.round(0.0000005)).isEqualTo(0.0);
        assertThat(BrownianInterval.round(0.0000015)).isEqualTo(0.000002);
    }
}
