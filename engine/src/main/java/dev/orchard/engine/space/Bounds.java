package dev.orchard.engine.space;

final class Bounds {
    private Bounds() {
    }

    static void check(String name, double low, double high) {
        if (name == null || name.isBlank()) {
            throw new SpaceException(null, "a parameter has no name");
        }
        if (!Double.isFinite(low) || !Double.isFinite(high)) {
            throw new SpaceException(name, "low and high must be finite numbers, got [" + low + ", " + high + "]");
        }
        if (!(low < high)) {
            throw new SpaceException(name, "low must be less than high, got low=" + low + " high=" + high);
        }
        if (!Double.isFinite(high - low)) {
            throw new SpaceException(name, "the range [" + low + ", " + high + "] is too wide to sample (high - low overflows)");
        }
    }
}
