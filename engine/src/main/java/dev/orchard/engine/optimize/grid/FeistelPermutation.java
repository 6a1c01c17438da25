package dev.orchard.engine.optimize.grid;

import dev.orchard.engine.optimize.Seeds;

import java.util.SplittableRandom;

/**
 * A seeded bijection of {@code [0, n)} that is computed one element at a time, so a shuffled visiting order of a huge
 * grid never has to be stored. A balanced Feistel network permutes {@code [0, 4^h)}, the smallest power of four that
 * holds {@code n}; cycle walking (apply it again while the result is {@code >= n}) restricts it to {@code [0, n)}.
 * Because {@code 4^h < 4n}, a step needs fewer than four network evaluations on average.
 */
final class FeistelPermutation {
    private static final int ROUNDS = 6;
    private final long n;
    private final int halfBits;
    private final long mask;
    private final long[] keys = new long[ROUNDS];

    FeistelPermutation(long n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("a permutation needs n >= 1, got " + n);
        }
        this.n = n;
        int bits = n == 1 ? 2 : 64 - Long.numberOfLeadingZeros(n - 1);
        bits = Math.max(2, bits + (bits & 1));
        this.halfBits = bits / 2;
        this.mask = (1L << halfBits) - 1;
        SplittableRandom r = Seeds.stream(seed, 0x6772_6964L);
        for (int i = 0; i < ROUNDS; i++) {
            keys[i] = r.nextLong();
        }
    }

    /** The image of {@code x} in {@code [0, n)}. */
    long apply(long x) {
        if (x < 0 || x >= n) {
            throw new IndexOutOfBoundsException("index " + x + " outside [0, " + n + ")");
        }
        do {
            x = encrypt(x);
        } while (x >= n);
        return x;
    }

    private long encrypt(long x) {
        long left = x >>> halfBits;
        long right = x & mask;
        for (long k : keys) {
            long next = left ^ (Seeds.mix(right * 0x9e3779b97f4a7c15L + k) & mask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }
}
