package dev.orchard.engine.optimize.gp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class Matern52Test {

    @Test
    void valuesMatchTheClosedForm() {
        var k = new Matern52(new double[]{0.5, 2.0}, 1.7, new boolean[2]);
        double[] a = {0.1, 0.3};
        assertThat(k.value(a, a)).isCloseTo(1.7, within(1e-15));
        double[] b = {0.4, 1.1};
        double r = Math.sqrt(Math.pow(0.3 / 0.5, 2) + Math.pow(0.8 / 2.0, 2));
        double s = Math.sqrt(5) * r;
        assertThat(k.value(a, b)).isCloseTo(1.7 * (1 + s + s * s / 3) * Math.exp(-s), within(1e-14));
        assertThat(k.value(a, b)).isEqualTo(k.value(b, a));
        // r = 1 reference value: (1 + √5 + 5/3) e^{−√5}
        assertThat(Matern52.correlation(1.0)).isCloseTo(0.5239941088318203, within(1e-15));
    }

    @Test
    void categoricalDimensionsCompareByEqualityOnly() {
        var k = new Matern52(new double[]{0.5, 0.7}, 1.0, new boolean[]{false, true});
        double same = k.value(new double[]{0.2, 1}, new double[]{0.2, 1});
        double near = k.value(new double[]{0.2, 1}, new double[]{0.2, 2});
        double far = k.value(new double[]{0.2, 0}, new double[]{0.2, 2});
        assertThat(same).isEqualTo(1.0);
        assertThat(near).isEqualTo(far).isCloseTo(Matern52.correlation(1 / 0.49), within(1e-15));
    }

    @Test
    void gradientInTheInputMatchesFiniteDifferences() {
        var k = new Matern52(new double[]{0.3, 0.8, 0.5}, 2.0, new boolean[]{false, false, true});
        double[] a = {0.21, 0.67, 1}, b = {0.35, 0.4, 0};
        double[] g = new double[3];
        k.valueAndGradient(a, b, g);
        for (int i = 0; i < 2; i++) {
            double h = 1e-6;
            double[] p = a.clone(), m = a.clone();
            p[i] += h;
            m[i] -= h;
            assertThat(g[i]).as("dim %d", i).isCloseTo((k.value(p, b) - k.value(m, b)) / (2 * h), within(1e-7));
        }
        assertThat(g[2]).isZero();
        // and at coincident points the gradient is zero (the kernel is smooth there)
        k.valueAndGradient(b, b, g);
        assertThat(g).containsExactly(new double[]{0, 0, 0}, within(0.0));
    }

    @Test
    void gradientInTheLogLengthscalesMatchesFiniteDifferences() {
        double[] ls = {0.3, 0.8, 0.5};
        boolean[] cat = {false, false, true};
        double[] a = {0.21, 0.67, 1}, b = {0.35, 0.4, 0};
        var k = new Matern52(ls, 1.0, cat);
        double r2 = k.r2(a, b);
        for (int i = 0; i < 3; i++) {
            double analytic = Matern52.slope(r2) * k.q(a, b, i);
            double h = 1e-6;
            double[] lp = ls.clone(), lm = ls.clone();
            lp[i] *= Math.exp(h);
            lm[i] *= Math.exp(-h);
            double fd = (new Matern52(lp, 1.0, cat).value(a, b) - new Matern52(lm, 1.0, cat).value(a, b)) / (2 * h);
            assertThat(analytic).as("log length-scale %d", i).isCloseTo(fd, within(1e-8));
        }
    }
}
