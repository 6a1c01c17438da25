package dev.orchard.engine.trial;

import java.util.Locale;

/** Whether smaller or larger objective values are better. */
public enum Direction {
    MINIMIZE, MAXIMIZE;

    /** True when {@code a} is strictly better than {@code b}; NaN is never better. */
    public boolean better(double a, double b) {
        if (Double.isNaN(a)) {
            return false;
        }
        if (Double.isNaN(b)) {
            return true;
        }
        return this == MINIMIZE ? a < b : a > b;
    }

    /** The value as a loss: minimising it optimises in this direction. */
    public double toLoss(double value) {
        return this == MINIMIZE ? value : -value;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Direction parse(String s) {
        for (Direction d : values()) {
            if (d.wire().equalsIgnoreCase(s)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown direction '" + s + "'; expected minimize or maximize");
    }
}
