package dev.orchard.engine.optimize;

import dev.orchard.engine.space.Param;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Owen-scrambled Sobol points keep the net property of the unscrambled sequence: the first 2^k points put exactly one
 * point in each of the 2^k equal slabs along every axis, and (for the first two dimensions, a (0,k,2)-net) exactly one
 * in every elementary box of area 2^-k. Independent random points do not.
 */
class SobolStratificationTest {

    /** Unit-cube space: every parameter is uniform on [0, 1], so configurations are the points themselves. */
    static SearchSpace unitCube(int d) {
        Param[] ps = new Param[d];
        for (int i = 0; i < d; i++) {
            ps[i] = new UniformParam("u" + i, 0, 1);
        }
        return SearchSpace.of(ps);
    }

    static double[][] points(String optimizer, int d, long seed, int n) {
        Optimizer o = Optimizers.create(optimizer, new OptimizerContext(unitCube(d), Direction.MINIMIZE, seed));
        List<Map<String, Object>> cs = o.suggest(n);
        double[][] out = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                out[i][j] = (Double) cs.get(i).get("u" + j);
            }
        }
        return out;
    }

    /** Points per cell of a {@code 2^a × 2^b} grid over dimensions 0 and 1. */
    static int[][] grid(double[][] pts, int a, int b) {
        int[][] counts = new int[1 << a][1 << b];
        for (double[] p : pts) {
            counts[(int) Math.floor(p[0] * (1 << a))][(int) Math.floor(p[1] * (1 << b))]++;
        }
        return counts;
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 7, 123456789L, -3})
    void everySlabOfEveryAxisHoldsExactlyOnePoint(long seed) {
        int d = 8;
        for (int k = 1; k <= 10; k++) {
            int n = 1 << k;
            double[][] pts = points("sobol", d, seed, n);
            for (int axis = 0; axis < d; axis++) {
                int[] slabs = new int[n];
                for (double[] p : pts) {
                    assertThat(p[axis]).isGreaterThan(0.0).isLessThan(1.0);
                    slabs[(int) Math.floor(p[axis] * n)]++;
                }
                for (int s = 0; s < n; s++) {
                    assertThat(slabs[s]).as("seed %d, %d points, axis %d, slab %d", seed, n, axis, s).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void consecutiveBlocksAreStratifiedToo() {
        // points 64..127 of the sequence form a net of their own
        Optimizer o = Optimizers.create("sobol", new OptimizerContext(unitCube(2), Direction.MINIMIZE, 5));
        o.suggest(64);
        List<Map<String, Object>> second = o.suggest(64);
        int[] slabs = new int[64];
        for (var c : second) {
            slabs[(int) Math.floor((Double) c.get("u1") * 64)]++;
        }
        assertThat(slabs).containsOnly(1);
    }

    @Test
    void firstTwoDimensionsFormANetInEveryBoxShape() {
        double[][] pts = points("sobol", 2, 11, 64);
        for (int a = 0; a <= 6; a++) {
            int[][] counts = grid(pts, a, 6 - a);
            for (int[] row : counts) {
                assertThat(row).as("2^%d × 2^%d boxes", a, 6 - a).containsOnly(1);
            }
        }
        // the 8×8 grid in particular: every one of the 64 cells holds one of the 64 points
        for (int[] row : grid(pts, 3, 3)) {
            assertThat(row).containsExactly(1, 1, 1, 1, 1, 1, 1, 1);
        }
    }

    @Test
    void randomPointsAreNotStratified() {
        double[][] pts = points("random", 2, 11, 64);
        int empty = 0;
        for (int[] row : grid(pts, 3, 3)) {
            for (int c : row) {
                empty += c == 0 ? 1 : 0;
            }
        }
        // about 64·(63/64)^64 ≈ 23 of the 64 cells stay empty for independent points
        assertThat(empty).isGreaterThan(5);
    }

    @Test
    void sobolHasLowerStarDiscrepancyThanRandom() {
        double sobol = 0, random = 0;
        for (long seed = 0; seed < 5; seed++) {
            sobol += l2StarDiscrepancy(points("sobol", 4, seed, 256));
            random += l2StarDiscrepancy(points("random", 4, seed, 256));
        }
        assertThat(sobol).isLessThan(random / 2);
    }

    /** Warnock's closed form of the L2 star discrepancy. */
    static double l2StarDiscrepancy(double[][] x) {
        int n = x.length, d = x[0].length;
        double a = Math.pow(3, -d), b = 0, c = 0;
        for (double[] p : x) {
            double prod = 1;
            for (double v : p) {
                prod *= (1 - v * v) / 2;
            }
            b += prod;
        }
        for (double[] p : x) {
            for (double[] q : x) {
                double prod = 1;
                for (int k = 0; k < d; k++) {
                    prod *= 1 - Math.max(p[k], q[k]);
                }
                c += prod;
            }
        }
        return Math.sqrt(a - 2.0 / n * b + c / ((double) n * n));
    }
}
