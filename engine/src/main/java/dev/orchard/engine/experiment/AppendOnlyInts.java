package dev.orchard.engine.experiment;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A list of ints that only grows, whose snapshots cost O(1): a snapshot sees the elements present when it was taken and
 * nothing later, because elements are never changed in place and growing copies into a new array. A sweep checkpoints
 * the numbers of its observed trials after every trial; copying them each time made a long sweep quadratic.
 */
final class AppendOnlyInts {
    private int[] items = new int[16];
    private int size;

    void add(int value) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        items[size++] = value;
    }

    void addAll(List<Integer> values) {
        values.forEach(this::add);
    }

    /** The elements now, as an unmodifiable list that later additions do not change. */
    List<Integer> snapshot() {
        int[] a = items;
        int n = size;
        return new AbstractList<>() {
            @Override
            public Integer get(int index) {
                return a[Objects.checkIndex(index, n)];
            }

            @Override
            public int size() {
                return n;
            }
        };
    }
}
