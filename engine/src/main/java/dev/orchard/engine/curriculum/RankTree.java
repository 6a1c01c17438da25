package dev.orchard.engine.curriculum;

import java.util.Arrays;

/**
 * An order-statistic treap over items {@code 0..n-1}, each with a double key, ordered by (key, index). Every item is
 * one node (arrays, no boxing); each node keeps its subtree's size and key sum. Changing a key, finding the item of
 * rank r and the sum of the r smallest keys all take O(log n) expected time (the priorities are fixed by a seed, so
 * the shape, and hence any run, is reproducible). The difficulty-bin curriculum keeps its quantile bins with it: bin b
 * is a range of ranks, so nothing is re-sorted when one item's difficulty changes.
 */
final class RankTree {
    private static final int NIL = -1;
    private final double[] key;
    private final long[] prio;
    private final int[] left;
    private final int[] right;
    private final int[] size;
    private final double[] sum;
    private int root = NIL;

    /** A tree holding every item with its initial key. */
    RankTree(double[] keys, long seed) {
        int n = keys.length;
        key = keys.clone();
        prio = new long[n];
        left = new int[n];
        right = new int[n];
        size = new int[n];
        sum = new double[n];
        Arrays.fill(left, NIL);
        Arrays.fill(right, NIL);
        for (int i = 0; i < n; i++) {
            prio[i] = Rng.hash(seed, i);
            size[i] = 1;
            sum[i] = key[i];
            insert(i);
        }
    }

    int size() {
        return root == NIL ? 0 : size[root];
    }

    double key(int item) {
        return key[item];
    }

    /** Changes an item's key: O(log n). */
    void set(int item, double newKey) {
        remove(item);
        key[item] = newKey;
        left[item] = NIL;
        right[item] = NIL;
        size[item] = 1;
        sum[item] = newKey;
        insert(item);
    }

    /** The item of rank r (0 = smallest key). */
    int select(int r) {
        if (r < 0 || r >= size()) {
            throw new IndexOutOfBoundsException("rank " + r + " of " + size());
        }
        int t = root;
        while (true) {
            int ls = sz(left[t]);
            if (r < ls) {
                t = left[t];
            } else if (r == ls) {
                return t;
            } else {
                r -= ls + 1;
                t = right[t];
            }
        }
    }

    /** The rank of an item. */
    int rank(int item) {
        int r = 0;
        int t = root;
        while (t != item) {
            if (less(item, t)) {
                t = left[t];
            } else {
                r += sz(left[t]) + 1;
                t = right[t];
            }
        }
        return r + sz(left[t]);
    }

    /** The sum of the keys of ranks {@code [0, r)}. */
    double prefixSum(int r) {
        double s = 0;
        int t = root;
        while (t != NIL && r > 0) {
            int ls = sz(left[t]);
            if (r <= ls) {
                t = left[t];
            } else {
                s += sm(left[t]) + key[t];
                r -= ls + 1;
                t = right[t];
            }
        }
        return s;
    }

    double total() {
        return sm(root);
    }

    private boolean less(int a, int b) {
        return key[a] < key[b] || (key[a] == key[b] && a < b);
    }

    private int sz(int t) {
        return t == NIL ? 0 : size[t];
    }

    private double sm(int t) {
        return t == NIL ? 0 : sum[t];
    }

    private void pull(int t) {
        size[t] = 1 + sz(left[t]) + sz(right[t]);
        sum[t] = key[t] + sm(left[t]) + sm(right[t]);
    }

    private void insert(int item) {
        int[] lr = split(root, item);
        root = merge(merge(lr[0], item), lr[1]);
    }

    private void remove(int item) {
        root = removeFrom(root, item);
    }

    private int removeFrom(int t, int item) {
        if (t == item) {
            return merge(left[t], right[t]);
        }
        if (less(item, t)) {
            left[t] = removeFrom(left[t], item);
        } else {
            right[t] = removeFrom(right[t], item);
        }
        pull(t);
        return t;
    }

    /** Splits t into the nodes ordered before {@code item} and the rest. */
    private int[] split(int t, int item) {
        if (t == NIL) {
            return new int[]{NIL, NIL};
        }
        if (less(t, item)) {
            int[] lr = split(right[t], item);
            right[t] = lr[0];
            pull(t);
            return new int[]{t, lr[1]};
        }
        int[] lr = split(left[t], item);
        left[t] = lr[1];
        pull(t);
        return new int[]{lr[0], t};
    }

    private int merge(int a, int b) {
        if (a == NIL) {
            return b;
        }
        if (b == NIL) {
            return a;
        }
        if (prio[a] > prio[b]) {
            right[a] = merge(right[a], b);
            pull(a);
            return a;
        }
        left[b] = merge(a, left[b]);
        pull(b);
        return b;
    }
}
