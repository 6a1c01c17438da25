package dev.orchard.engine.optimize.gp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class OutputWarpTest {
    static final double[] LOSSES = {3.2, 0.4, 1e4, 7.5, 0.41, 22, 2, 2, 0.9, 150};

    @ParameterizedTest
    @EnumSource(OutputWarp.class)
    void keepsTheOrderAndStandardises(OutputWarp w) {
        double[] t = w.apply(LOSSES);
        for (int i = 0; i < LOSSES.length; i++) {
            for (int j = 0; j < LOSSES.length; j++) {
                if (LOSSES[i] < LOSSES[j]) {
                    assertThat(t[i]).as("%s keeps %s < %s", w, LOSSES[i], LOSSES[j]).isLessThan(t[j]);
                } else if (LOSSES[i] == LOSSES[j]) {
                    assertThat(t[i]).isEqualTo(t[j]);
                }
            }
        }
        double mean = Arrays.stream(t).average().orElseThrow();
        double var = Arrays.stream(t).map(v -> (v - mean) * (v - mean)).sum() / (t.length - 1);
        assertThat(mean).isCloseTo(0, within(1e-12));
        assertThat(var).isCloseTo(1, within(1e-9));
    }

    @ParameterizedTest
    @EnumSource(OutputWarp.class)
    void equalLossesAndASingleLossGiveZeros(OutputWarp w) {
        assertThat(w.apply(new double[]{5, 5, 5})).containsOnly(0.0);
        assertThat(w.apply(new double[]{-1})).containsOnly(0.0);
    }

    @Test
    void theLogWarpsTameAnOutlier() {
        // without warping the outlier squeezes every other loss into a sliver; the log warps spread them out again
        double spreadNone = spreadOfTheGood(OutputWarp.NONE.apply(LOSSES));
        assertThat(spreadOfTheGood(OutputWarp.LOG_POWER.apply(LOSSES))).isGreaterThan(5 * spreadNone);
        assertThat(spreadOfTheGood(OutputWarp.LOG.apply(LOSSES))).isGreaterThan(5 * spreadNone);
    }

    private static double spreadOfTheGood(double[] t) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < t.length; i++) {
            if (LOSSES[i] < 100) {
                lo = Math.min(lo, t[i]);
                hi = Math.max(hi, t[i]);
            }
        }
        return hi - lo;
    }
}
