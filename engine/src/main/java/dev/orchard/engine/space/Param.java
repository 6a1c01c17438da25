package dev.orchard.engine.space;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One dimension of a search space. Every parameter maps to and from the unit interval, so optimizers work on the
 * unit cube and never see the parameter's own units (log parameters are uniform in log space there).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = UniformParam.class, name = "uniform"),
    @JsonSubTypes.Type(value = LogUniformParam.class, name = "log_uniform"),
    @JsonSubTypes.Type(value = IntParam.class, name = "int"),
    @JsonSubTypes.Type(value = ChoiceParam.class, name = "choice")
})
public sealed interface Param permits UniformParam, LogUniformParam, IntParam, ChoiceParam {

    String name();

    /** The value at position {@code u} in [0, 1]. */
    Object fromUnit(double u);

    /** The position in [0, 1] of a value of this parameter; throws {@link SpaceException} for a foreign value. */
    double toUnit(Object value);

    /** Checks the definition; throws {@link SpaceException} naming this parameter. */
    void validate();

    /** Number of distinct values, or {@code Long.MAX_VALUE} for a continuous parameter. */
    long cardinality();

    /** The JSON {@code "when"}: null for a parameter that is always active. */
    Condition when();

    /** The condition under which this parameter is active; empty when it always is. */
    default java.util.Optional<Condition> condition() {
        return java.util.Optional.ofNullable(when());
    }

    static double clampUnit(double u) {
        if (Double.isNaN(u)) {
            throw new IllegalArgumentException("unit coordinate is NaN");
        }
        return Math.min(1.0, Math.max(0.0, u));
    }

    static double number(String name, Object value) {
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                throw new SpaceException(name, "value " + value + " is not a finite number");
            }
            return d;
        }
        throw new SpaceException(name, "expected a number, got " + (value == null ? "null" : value.getClass().getSimpleName() + " " + value));
    }
}
