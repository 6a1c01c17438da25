package dev.orchard.engine.space;

import java.util.List;

/**
 * Makes a parameter conditional: it is active only when the parameter {@code param} (defined earlier in the space) is
 * active and takes one of {@code values}. JSON: {@code "when": {"param": "optimizer", "values": ["sgd"]}}.
 */
public record Condition(String param, List<Object> values) {
    public Condition {
        values = values == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
    }

    /** True when {@code value} is one of the values (numbers compared by value). */
    public boolean admits(Object value) {
        for (Object v : values) {
            if (v instanceof Number a && value instanceof Number b ? a.doubleValue() == b.doubleValue() : v.equals(value)) {
                return true;
            }
        }
        return false;
    }
}
