package dev.orchard.engine.optimize.gp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BoundedLbfgsTest {

    static double rosenbrock(double[] x, double[] g) {
        double a = 1 - x[0], b = x[1] - x[0] * x[0];
        g[0] = -2 * a - 400 * x[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
    }

    @Test
    void findsTheUnconstrainedMinimum() {
        var r = BoundedLbfgs.minimize(BoundedLbfgsTest::rosenbrock, new double[]{-1.2, 1}, new double[]{-5, -5},
                new double[]{5, 5}, 500, 1e-9);
        assertThat(r.x()).containsExactly(new double[]{1, 1}, within(1e-4));
        assertThat(r.value()).isLessThan(1e-8);
    }

    @Test
    void stopsAtAnActiveBound() {
        // the minimum (1, 1) is outside the box; on x0 ≤ 0.5 the best point is (0.5, 0.25)
        var r = BoundedLbfgs.minimize(BoundedLbfgsTest::rosenbrock, new double[]{-1, 2}, new double[]{-2, -2},
                new double[]{0.5, 2}, 500, 1e-9);
        assertThat(r.x()[0]).isEqualTo(0.5);
        assertThat(r.x()[1]).isCloseTo(0.25, within(1e-5));
    }

    @Test
    void aFixedCoordinateStaysFixed() {
        var r = BoundedLbfgs.minimize(BoundedLbfgsTest::rosenbrock, new double[]{0.3, 0}, new double[]{0.3, -2},
                new double[]{0.3, 2}, 200, 1e-9);
        assertThat(r.x()[0]).isEqualTo(0.3);
        assertThat(r.x()[1]).isCloseTo(0.09, within(1e-6));
    }
}
