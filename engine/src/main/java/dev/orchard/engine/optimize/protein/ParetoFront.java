package dev.orchard.engine.optimize.protein;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The Pareto front of (cost, loss) pairs, lower being better in both. Point {@code i} is on the front when no point
 * {@code j} has {@code cost_j ≤ cost_i} and {@code loss_j ≤ loss_i} with one of the two strict. Consequently exact
 * ties — equal cost and equal loss, duplicates included — are all on the front or all off it, and of several points
 * with the same cost only those with the lowest loss can be on it.
 */
public final class ParetoFront {
    private ParetoFront() {
    }

    /**
     * The indices of the points on the front, by cost ascending (then index): along it the loss strictly decreases
     * from one cost to the next. Empty input gives an empty front. O(n log n). Values must not be NaN.
     */
    public static int[] indices(double[] cost, double[] loss) {
        if (cost.length != loss.length) {
            throw new IllegalArgumentException("need as many costs as losses, got " + cost.length + " and " + loss.length);
        }
        int n = cost.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(cost[i]) || Double.isNaN(loss[i])) {
                throw new IllegalArgumentException("point " + i + " has a NaN cost or loss");
            }
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> cost[i])
                .thenComparingDouble(i -> loss[i]).thenComparingInt(i -> i));
        List<Integer> out = new ArrayList<>();
        double bestBefore = Double.POSITIVE_INFINITY; // lowest loss among strictly cheaper points
        int g = 0;
        while (g < n) {
            int end = g;
            while (end + 1 < n && cost[order[end + 1]] == cost[order[g]]) {
                end++;
            }
            double groupMin = loss[order[g]]; // sorted by loss within a cost
            if (groupMin < bestBefore) {
                for (int k = g; k <= end && loss[order[k]] == groupMin; k++) {
                    out.add(order[k]);
                }
            }
            bestBefore = Math.min(bestBefore, groupMin);
            g = end + 1;
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
