package dev.orchard.engine.space;

/** A real number uniform in [low, high]. */
public record UniformParam(String name, double low, double high) implements Param {

    @Override
    public Object fromUnit(double u) {
        return low + Param.clampUnit(u) * (high - low);
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
