package dev.orchard.engine.schedule;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The quantile is NumPy's default (linear interpolation); values worked out by hand. */
class StatsTest {

    @Test
    void linearInterpolationBetweenOrderStatistics() {
        // sorted [1, 2, 4, 10]; h = 3p
        double[] v = {10, 1, 4, 2};
        assertThat(Stats.quantile(v, 0)).isEqualTo(1);
        assertThat(Stats.quantile(v, 1)).isEqualTo(10);
        assertThat(Stats.quantile(v, 0.5)).isEqualTo(3); // h = 1.5: 2 + 0.5·(4 − 2)
        assertThat(Stats.quantile(v, 2.0 / 3)).isEqualTo(4); // h = 2
        assertThat(Stats.quantile(v, 0.25)).isCloseTo(1.75, within(1e-12)); // h = 0.75: 1 + 0.75·1
        assertThat(Stats.quantile(new double[]{7}, 0.9)).isEqualTo(7);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(Stats.median(new double[]{3, 1, 2})).isEqualTo(2);
        assertThat(Stats.median(new double[]{4, 1, 3, 2})).isEqualTo(2.5);
    }
}
