package dev.orchard.engine.curriculum;

/**
 * A counter-based random stream (SplitMix64 of seed and draw number): its whole state is one counter, so a curriculum's
 * state carries it and a restored curriculum continues with the very draws the uninterrupted one would have made.
 */
final class Rng {
    private final long seed;
    private long counter;

    Rng(long seed) {
        this.seed = seed;
    }

    long counter() {
        return counter;
    }

    void counter(long c) {
        counter = c;
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A value fixed by the seed and a key (task numbers, item indices): the same key always gives the same value. */
    static long hash(long seed, long key) {
        return mix(mix(seed + 0x9e3779b97f4a7c15L) ^ (key * 0xd1b54a32d192ed03L));
    }

    long nextLong() {
        return hash(seed, counter++);
    }

    /** Uniform in [0, 1). */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound). */
    int nextInt(int bound) {
        return (int) Math.floorMod(nextLong() >>> 1, (long) bound);
    }

    /** Uniform in [0, 1) from a key, without advancing the stream. */
    static double unit(long seed, long key) {
        return (hash(seed, key) >>> 11) * 0x1.0p-53;
    }

    /** Index drawn with the given non-negative weights (their sum > 0). */
    int pick(double[] weights, double total) {
        double u = nextDouble() * total;
        int last = -1;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] > 0) {
                last = i;
                u -= weights[i];
                if (u < 0) {
                    return i;
                }
            }
        }
        return last;
    }
}
