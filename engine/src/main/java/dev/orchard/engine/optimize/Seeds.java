package dev.orchard.engine.optimize;

import java.util.SplittableRandom;

/** Derives independent, reproducible random streams from one seed. */
public final class Seeds {
    private Seeds() {
    }

    /** SplitMix64 finaliser: a well-mixed 64-bit value of {@code x}. */
    public static long mix(long x) {
        x = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
        x = (x ^ (x >>> 27)) * 0x94d049bb133111ebL;
        return x ^ (x >>> 31);
    }

    /** The random stream number {@code index} of {@code seed}; the same pair always gives the same stream. */
    public static SplittableRandom stream(long seed, long index) {
        return new SplittableRandom(mix(mix(seed) + 0x9e3779b97f4a7c15L * (index + 1)));
    }
}
