package dev.orchard.engine.space;

/** A real number uniform in [low, high]. */
public record UniformParam(String name, double low, double high,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Condition when) implements Param {

    public UniformParam(String name, double low, double high) {
        this(name, low, high, null);
    }

    @Override
    public Object fromUnit(double u) {
        // clamped: low + 1.0 * (high - low) can round to just above high
        return Math.min(high, Math.max(low, low + Param.clampUnit(u) * (high - low)));
    }

    @Override
    public double toUnit(Object value) {
        double v = Param.number(name, value);
        if (v < low || v > high) {
            throw new SpaceException(name, "value " + v + " is outside [" + low + ", " + high + "]");
        }
        return (v - low) / (high - low);
    }

    @Override
    public void validate() {
        Bounds.check(name, low, high);
    }

    @Override
    public long cardinality() {
        return Long.MAX_VALUE;
    }
}
