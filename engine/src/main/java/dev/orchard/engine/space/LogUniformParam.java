package dev.orchard.engine.space;

/** A positive real number whose logarithm is uniform in [log low, log high] (learning rates, regularisation). */
public record LogUniformParam(String name, double low, double high,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Condition when) implements Param {

    public LogUniformParam(String name, double low, double high) {
        this(name, low, high, null);
    }

    @Override
    public Object fromUnit(double u) {
        double v = Math.exp(Math.log(low) + Param.clampUnit(u) * (Math.log(high) - Math.log(low)));
        return Math.min(high, Math.max(low, v));
    }

    @Override
    public double toUnit(Object value) {
        double v = Param.number(name, value);
        if (v < low || v > high) {
            throw new SpaceException(name, "value " + v + " is outside [" + low + ", " + high + "]");
        }
        return (Math.log(v) - Math.log(low)) / (Math.log(high) - Math.log(low));
    }

    @Override
    public void validate() {
        Bounds.check(name, low, high);
        if (low <= 0) {
            throw new SpaceException(name, "log_uniform needs low > 0, got " + low);
        }
    }

    @Override
    public long cardinality() {
        return Long.MAX_VALUE;
    }
}
