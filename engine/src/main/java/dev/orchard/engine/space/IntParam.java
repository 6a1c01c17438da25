package dev.orchard.engine.space;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An integer in [low, high], both included; with {@code log} its logarithm is uniform (layer widths, batch sizes).
 * The unit interval is cut into {@code high - low + 1} equal cells (in log space for log), one per value, so every value
 * is equally likely under uniform sampling of the cube.
 */
public record IntParam(String name, long low, long high, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean log,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Condition when)
        implements Param {

    /** JSON form: {@code log} may be left out (false). */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static IntParam json(@com.fasterxml.jackson.annotation.JsonProperty("name") String name,
                                @com.fasterxml.jackson.annotation.JsonProperty(value = "low", required = true) long low,
                                @com.fasterxml.jackson.annotation.JsonProperty(value = "high", required = true) long high,
                                @com.fasterxml.jackson.annotation.JsonProperty("log") Boolean log,
                                @com.fasterxml.jackson.annotation.JsonProperty("when") Condition when) {
        return new IntParam(name, low, high, log != null && log, when);
    }

    public IntParam(String name, long low, long high, boolean log) {
        this(name, low, high, log, null);
    }

    /** 2^53: beyond it not every integer is a double, and high - low + 1 could overflow. */
    private static final long MAX_EXACT = 1L << 53;

    @Override
    public Object fromUnit(double u) {
        double x = Param.clampUnit(u);
        if (log) {
            // cells in log space over [low, high + 1): value k owns [log k, log(k+1)).
            double v = Math.exp(Math.log(low) + x * (Math.log(high + 1.0) - Math.log(low)));
            long k = (long) Math.floor(v);
            return boxed(Math.max(low, Math.min(high, k)));
        }
        long k = low + (long) Math.floor(x * (high - low + 1));
        return boxed(Math.max(low, Math.min(high, k)));
    }

    /** Integer where it fits, as JSON readers give it back, so stored and live configurations are equal. */
    private static Object boxed(long v) {
        return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? (Object) (int) v : (Object) v;
    }

    @Override
    public double toUnit(Object value) {
        double d = Param.number(name, value);
        if (d != Math.rint(d)) {
            throw new SpaceException(name, "expected an integer, got " + value);
        }
        long v = (long) d;
        if (v < low || v > high) {
            throw new SpaceException(name, "value " + v + " is outside [" + low + ", " + high + "]");
        }
        if (log) {
            double lo = Math.log(low), hi = Math.log(high + 1.0);
            // centre of the value's cell in log space
            return ((Math.log(v) + Math.log(v + 1.0)) / 2 - lo) / (hi - lo);
        }
        return (v - low + 0.5) / (high - low + 1);
    }

    @Override
    public void validate() {
        if (name == null || name.isBlank()) {
            throw new SpaceException(null, "a parameter has no name");
        }
        if (low < -MAX_EXACT || high > MAX_EXACT) {
            throw new SpaceException(name, "int bounds must lie within ±2^53 (integers a JSON number holds exactly), got low="
                    + low + " high=" + high);
        }
        if (low > high) {
            throw new SpaceException(name, "low must not exceed high, got low=" + low + " high=" + high);
        }
        if (log && low <= 0) {
            throw new SpaceException(name, "int with log needs low >= 1, got " + low);
        }
    }

    @Override
    public long cardinality() {
        return high - low + 1;
    }
}
