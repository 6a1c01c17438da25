package dev.orchard.engine.optimize.evolution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.Map;
import java.util.TreeMap;

/**
 * The trial numbers already observed, kept as disjoint ranges (trials are numbered consecutively, so this stays
 * small). It makes {@code observe} idempotent: a history re-observed after {@code restore} is not counted twice.
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

    void clear() {
        ranges.clear();
    }

    /** {@code [[start, end], ...]} */
    ArrayNode toJson() {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        ranges.forEach((s, e) -> a.addArray().add(s).add(e));
        return a;
    }

    void restore(JsonNode json) {
        ranges.clear();
        for (JsonNode r : json) {
            int s = r.get(0).asInt();
            int e = r.get(1).asInt();
            if (e < s) {
                throw new IllegalArgumentException("observed-trial range [" + s + ", " + e + "] is empty");
            }
            ranges.put(s, e);
        }
    }
}
