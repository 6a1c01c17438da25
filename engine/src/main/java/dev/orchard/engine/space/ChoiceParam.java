package dev.orchard.engine.space;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * One of a list of values (strings, numbers or booleans, all of one kind). Numeric choices are ordered: the unit
 * interval is cut into equal cells in the given order, so neighbouring cells hold neighbouring values.
 */
public record ChoiceParam(String name, List<Object> values,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Condition when) implements Param {

    public ChoiceParam(String name, List<Object> values) {
        this(name, values, null);
    }

    public ChoiceParam {
        // not List.copyOf: it throws a bare NullPointerException on a null value, which validate() reports clearly
        values = values == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
    }

    @Override
    public Object fromUnit(double u) {
        int k = (int) Math.floor(Param.clampUnit(u) * values.size());
        return values.get(Math.min(values.size() - 1, k));
    }

    @Override
    public double toUnit(Object value) {
        int k = indexOf(value);
        if (k < 0) {
            throw new SpaceException(name, "value " + value + " is not one of " + values);
        }
        return (k + 0.5) / values.size();
    }

    /** Index of the value, comparing numbers by numeric value (JSON may give 1 for 1.0); -1 if absent. */
    public int indexOf(Object value) {
        for (int i = 0; i < values.size(); i++) {
            Object c = values.get(i);
            if (c instanceof Number a && value instanceof Number b) {
                if (a.doubleValue() == b.doubleValue()) {
                    return i;
                }
            } else if (Objects.equals(c, value)) {
                return i;
            }
        }
        return -1;
    }

    /** True when every value is a number: the values then have an order that optimizers may use. */
    public boolean numeric() {
        return values.stream().allMatch(v -> v instanceof Number);
    }

    @Override
    public void validate() {
        if (name == null || name.isBlank()) {
            throw new SpaceException(null, "a parameter has no name");
        }
        if (values.isEmpty()) {
            throw new SpaceException(name, "choice needs at least one value");
        }
        Class<?> kind = null;
        var seen = new HashSet<Object>();
        for (Object v : values) {
            if (v == null) {
                throw new SpaceException(name, "choice values must not be null");
            }
            Class<?> k = v instanceof Number ? Number.class : v.getClass();
            if (!(v instanceof Number || v instanceof String || v instanceof Boolean)) {
                throw new SpaceException(name, "choice values must be strings, numbers or booleans, got " + v);
            }
            if (v instanceof Number n && !Double.isFinite(n.doubleValue())) {
                throw new SpaceException(name, "choice value " + v + " is not finite");
            }
            if (kind != null && kind != k) {
                throw new SpaceException(name, "choice values must all be of one type (strings, numbers or booleans), got " + values);
            }
            kind = k;
            Object key = v instanceof Number n ? (Object) n.doubleValue() : v;
            if (!seen.add(key)) {
                throw new SpaceException(name, "choice value " + v + " appears twice");
            }
        }
    }

    @Override
    public long cardinality() {
        return values.size();
    }
}
