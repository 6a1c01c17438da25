package dev.orchard.engine.optimize.grid;

import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.IntParam;
import dev.orchard.engine.space.Param;
import dev.orchard.engine.space.SearchSpace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The points of a grid over a search space, numbered {@code 0 .. size()-1} without materialising them.
 *
 * <p>Levels per parameter: a choice takes every value; an int takes every value when it has at most
 * {@code resolution} of them, else {@code resolution} values at the centres of equal cells of the unit interval (log
 * spaced for a log int, duplicates dropped); a uniform or log-uniform parameter takes {@code resolution} values at the
 * cell centres {@code (i + 0.5) / resolution} mapped through {@link Param#fromUnit}, so log parameters are evenly
 * spaced in log space.
 *
 * <p>Only active combinations are counted: conditional parameters form a forest (each names one earlier parent). The
 * number of points of the subtree of parameter {@code p} is {@code N(p) = sum over levels v of p of the product of
 * N(c) over the children c whose condition admits v}; the grid has {@code product of N(r)} over the root parameters.
 * An index is decoded with a mixed radix over the roots, then inside a subtree by locating the level in the prefix
 * sums of its weights and splitting the remainder over the active children with a mixed radix again.
 */
final class GridIndex {
    private final SearchSpace space;
    private final List<List<Object>> levels = new ArrayList<>();
    private final int[][] children;
    private final boolean[][] admits; // admits[c][v]: child c (by position in children[p]) active at level v of p
    private final long[][] prefix;    // prefix[p][v] = sum of weights of levels < v; prefix[p][len] = N(p)
    private final int[] roots;
    private final long size;

    GridIndex(SearchSpace space, int resolution) {
        if (resolution < 1) {
            throw new IllegalArgumentException("grid setting 'resolution' must be an integer >= 1, got " + resolution);
        }
        this.space = space;
        List<Param> params = space.params();
        int d = params.size();
        for (Param p : params) {
            levels.add(levelsOf(p, resolution));
        }
        var kids = new ArrayList<List<Integer>>();
        for (int i = 0; i < d; i++) {
            kids.add(new ArrayList<>());
        }
        var rootList = new ArrayList<Integer>();
        for (int i = 0; i < d; i++) {
            var c = params.get(i).condition();
            if (c.isEmpty()) {
                rootList.add(i);
            } else {
                int parent = indexOf(params, c.get().param());
                kids.get(parent).add(i);
            }
        }
        children = new int[d][];
        for (int i = 0; i < d; i++) {
            children[i] = kids.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        roots = rootList.stream().mapToInt(Integer::intValue).toArray();
        admits = new boolean[d][];
        prefix = new long[d][];
        // children come after their parents: fill subtree sizes from the last parameter backwards
        for (int p = d - 1; p >= 0; p--) {
            List<Object> lv = levels.get(p);
            long[] pre = new long[lv.size() + 1];
            for (int v = 0; v < lv.size(); v++) {
                long w = 1;
                for (int c : children[p]) {
                    if (params.get(c).when().admits(lv.get(v))) {
                        w = multiply(w, subtreeSize(c));
                    }
                }
                pre[v + 1] = add(pre[v], w);
            }
            prefix[p] = pre;
        }
        for (int c = 0; c < d; c++) {
            var cond = params.get(c).condition();
            if (cond.isPresent()) {
                int parent = indexOf(params, cond.get().param());
                List<Object> lv = levels.get(parent);
                boolean[] a = new boolean[lv.size()];
                for (int v = 0; v < a.length; v++) {
                    a[v] = cond.get().admits(lv.get(v));
                }
                admits[c] = a;
            }
        }
        long n = 1;
        for (int r : roots) {
            n = multiply(n, subtreeSize(r));
        }
        size = n;
    }

    /** Number of grid points (active combinations). */
    long size() {
        return size;
    }

    /** The values each parameter takes on the grid, in parameter order. */
    List<List<Object>> levels() {
        return Collections.unmodifiableList(levels);
    }

    private long subtreeSize(int p) {
        return prefix[p][prefix[p].length - 1];
    }

    /** The configuration number {@code index}, in parameter order, without inactive parameters. */
    Map<String, Object> point(long index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("grid index " + index + " outside [0, " + size + ")");
        }
        Object[] chosen = new Object[levels.size()];
        long rest = index;
        for (int r : roots) {
            long n = subtreeSize(r);
            decode(r, rest % n, chosen);
            rest /= n;
        }
        var out = new LinkedHashMap<String, Object>(chosen.length * 2);
        for (int i = 0; i < chosen.length; i++) {
            if (chosen[i] != null) {
                out.put(space.params().get(i).name(), chosen[i]);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private void decode(int p, long index, Object[] chosen) {
        long[] pre = prefix[p];
        // the level v with pre[v] <= index < pre[v+1]
        // (pre is strictly increasing: every level weighs at least 1)
        int v = Arrays.binarySearch(pre, index);
        if (v < 0) {
            v = -v - 2;
        }
        chosen[p] = levels.get(p).get(v);
        long rest = index - pre[v];
        for (int c : children[p]) {
            if (admits[c][v]) {
                long n = subtreeSize(c);
                decode(c, rest % n, chosen);
                rest /= n;
            }
        }
    }

    static List<Object> levelsOf(Param p, int resolution) {
        var out = new ArrayList<Object>();
        if (p instanceof ChoiceParam c) {
            out.addAll(c.values());
        } else if (p instanceof IntParam ip && ip.cardinality() <= resolution) {
            for (long v = ip.low(); v <= ip.high(); v++) {
                out.add(ip.fromUnit(ip.toUnit(v))); // boxed as the space boxes it
            }
        } else {
            for (int i = 0; i < resolution; i++) {
                Object v = p.fromUnit((i + 0.5) / resolution);
                if (out.stream().noneMatch(o -> ((Number) o).doubleValue() == ((Number) v).doubleValue())) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    private static int indexOf(List<Param> params, String name) {
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("condition names an unknown parameter '" + name + "'");
    }

    private static long multiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("the grid has more than 2^63 points; lower the grid setting 'resolution'");
        }
    }

    private static long add(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("the grid has more than 2^63 points; lower the grid setting 'resolution'");
        }
    }
}
