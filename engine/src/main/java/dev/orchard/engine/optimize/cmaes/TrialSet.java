package dev.orchard.engine.optimize.cmaes;

import java.util.Map;
import java.util.TreeMap;

/**
 * The trial numbers already observed, kept as disjoint ranges (trials are numbered consecutively, so this stays
 * small). It makes {@code observe} idempotent: a trial told twice counts once. Not part of the optimizer's state:
 * the engine re-observes the history before {@code restore}, which fills it again.
 */
final class TrialSet {
    private final TreeMap<Integer, Integer> ranges = new TreeMap<>(); // start -> end, both included

    boolean contains(int t) {
        Map.Entry<Integer, Integer> e = ranges.floorEntry(t);
        return e != null && e.getValue() >= t;
    }

    /** Adds {@code t}; false when it was there already. */
    boolean add(int t) {
        if (contains(t)) {
            return false;
        }
        int start = t;
        int end = t;
        Map.Entry<Integer, Integer> below = t == Integer.MIN_VALUE ? null : ranges.floorEntry(t - 1);
        if (below != null && below.getValue() == t - 1) {
            start = below.getKey();
            ranges.remove(below.getKey());
        }
        if (t != Integer.MAX_VALUE) {
            Integer aboveEnd = ranges.remove(t + 1);
            if (aboveEnd != null) {
                end = aboveEnd;
            }
        }
        ranges.put(start, end);
        return true;
    }
}
