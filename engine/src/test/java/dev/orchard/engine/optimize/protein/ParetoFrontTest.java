package dev.orchard.engine.optimize.protein;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParetoFrontTest {

    @Test
    void aHandMadeSetWithTiesAndDuplicates() {
        //                 0    1    2    3    4    5    6    7    8    9
        double[] cost = {5.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 1.0, 6.0, 2.0};
        double[] loss = {1.0, 9.0, 4.0, 6.0, 4.0, 2.0, 2.0, 9.0, 1.0, 4.0};
        // 1 and 7: the cheapest, an exact duplicate pair: both on the front
        // 2 and 9: equal (cost, loss): both on it; 3 has their cost and a worse loss: off
        // 4: cost 3 with loss 4 is dominated by 2 (cheaper, equal loss); 5: cost 3, loss 2: on
        // 6: loss 2 at cost 4 is dominated by 5 (cheaper, equal loss)
        // 0: loss 1 at cost 5: on; 8: loss 1 at cost 6: dominated by 0
        assertThat(ParetoFront.indices(cost, loss)).containsExactly(1, 7, 2, 9, 5, 0);
    }

    @Test
    void edgeCases() {
        assertThat(ParetoFront.indices(new double[0], new double[0])).isEmpty();
        assertThat(ParetoFront.indices(new double[]{3}, new double[]{-2})).containsExactly(0);
        // equal costs (unknown costs count as 1): the front is the best point(s)
        assertThat(ParetoFront.indices(new double[]{1, 1, 1, 1}, new double[]{3, 0.5, 2, 0.5})).containsExactly(1, 3);
        // cheaper is better: a strictly decreasing staircase is all front
        assertThat(ParetoFront.indices(new double[]{1, 2, 3}, new double[]{3, 2, 1})).containsExactly(0, 1, 2);
        // a point that is both cheapest and best dominates all others
        assertThat(ParetoFront.indices(new double[]{2, 1, 3}, new double[]{2, 0, 1})).containsExactly(1);
        // negative losses and costs of zero are ordinary values
        assertThat(ParetoFront.indices(new double[]{0, 0, 1}, new double[]{-1, -2, -3})).containsExactly(1, 2);
    }

    @Test
    void badInputIsRefused() {
        assertThatThrownBy(() -> ParetoFront.indices(new double[]{1}, new double[]{1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("as many");
        assertThatThrownBy(() -> ParetoFront.indices(new double[]{1, Double.NaN}, new double[]{1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("point 1");
    }

    /** Against the definition, on random sets with many ties. */
    @Test
    void agreesWithTheQuadraticDefinition() {
        SplittableRandom r = new SplittableRandom(4);
        for (int rep = 0; rep < 300; rep++) {
            int n = r.nextInt(0, 25);
            double[] c = new double[n], l = new double[n];
            for (int i = 0; i < n; i++) {
                c[i] = r.nextInt(6);
                l[i] = r.nextInt(6);
            }
            int[] expected = java.util.stream.IntStream.range(0, n).filter(i -> {
                for (int j = 0; j < n; j++) {
                    if (c[j] <= c[i] && l[j] <= l[i] && (c[j] < c[i] || l[j] < l[i])) {
                        return false;
                    }
                }
                return true;
            }).toArray();
            int[] got = ParetoFront.indices(c, l);
            int[] sorted = got.clone();
            Arrays.sort(sorted);
            assertThat(sorted).as("costs %s losses %s", Arrays.toString(c), Arrays.toString(l)).containsExactly(expected);
            for (int k = 1; k < got.length; k++) {
                assertThat(c[got[k]]).isGreaterThanOrEqualTo(c[got[k - 1]]);
                assertThat(l[got[k]]).isLessThanOrEqualTo(l[got[k - 1]]);
            }
        }
    }

    @Test
    void theReferenceIsInterpolatedAlongTheFront() {
        double[][] front = {{0.0, 1.0, 2.0}, {3.0, 1.0, 0.0}};
        assertThat(ProteinOptimizer.frontTargetAt(front, -1.0)).isEqualTo(3.0); // cheaper than all: the cheapest's
        assertThat(ProteinOptimizer.frontTargetAt(front, 0.0)).isEqualTo(3.0);
        assertThat(ProteinOptimizer.frontTargetAt(front, 0.5)).isEqualTo(2.0);
        assertThat(ProteinOptimizer.frontTargetAt(front, 1.0)).isEqualTo(1.0);
        assertThat(ProteinOptimizer.frontTargetAt(front, 1.75)).isEqualTo(0.25);
        assertThat(ProteinOptimizer.frontTargetAt(front, 9.0)).isEqualTo(0.0); // dearer than all: the best
        // tied points (equal cost and target) and a single point
        assertThat(ProteinOptimizer.frontTargetAt(new double[][]{{0, 1, 1}, {2, 1, 1}}, 1.0)).isEqualTo(1.0);
        assertThat(ProteinOptimizer.frontTargetAt(new double[][]{{0.4}, {-1}}, 0.0)).isEqualTo(-1.0);
    }
}
