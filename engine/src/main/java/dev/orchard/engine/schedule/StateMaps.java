package dev.orchard.engine.schedule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads scheduler states back after a trip through JSON, where numbers come back as Integer, Long or Double and
 * every map key as a string. A missing or malformed entry is an {@link IllegalArgumentException} naming it.
 */
final class StateMaps {
    private StateMaps() {
    }

    static Object get(Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("scheduler state lacks '" + key + "'");
        }
        return v;
    }

    static long longOf(Object v, String what) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("scheduler state: " + what + " must be a number, got " + v);
    }

    static int intOf(Object v, String what) {
        return Math.toIntExact(longOf(v, what));
    }

    static double doubleOf(Object v, String what) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v == null) {
            return Double.NaN; // JSON writes NaN as null in strict mappers; "no value yet"
        }
        throw new IllegalArgumentException("scheduler state: " + what + " must be a number, got " + v);
    }

    static long getLong(Map<String, ?> m, String key) {
        return longOf(get(m, key), key);
    }

    static int getInt(Map<String, ?> m, String key) {
        return intOf(get(m, key), key);
    }

    static List<?> list(Map<String, ?> m, String key) {
        Object v = get(m, key);
        if (v instanceof List<?> l) {
            return l;
        }
        throw new IllegalArgumentException("scheduler state: '" + key + "' must be a list, got " + v);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object v, String what) {
        if (v instanceof Map<?, ?> m) {
            var out = new LinkedHashMap<String, Object>();
            m.forEach((k, x) -> out.put(String.valueOf(k), x));
            return out;
        }
        throw new IllegalArgumentException("scheduler state: " + what + " must be an object, got " + v);
    }

    static List<Integer> ints(Map<String, ?> m, String key) {
        var out = new ArrayList<Integer>();
        for (Object o : list(m, key)) {
            out.add(intOf(o, key));
        }
        return out;
    }

    /** Null where the value is NaN ("none yet"): JSON has no NaN. */
    static Object finiteOrNull(double v) {
        return Double.isFinite(v) ? (Object) v : null;
    }
}
