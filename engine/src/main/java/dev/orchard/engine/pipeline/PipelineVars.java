package dev.orchard.engine.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The variables of a run ({@code ctx.get("taskIdx", Integer.class)}); stored with each checkpoint. */
public final class PipelineVars {
    private final Map<String, Object> values = Collections.synchronizedMap(new LinkedHashMap<>());

    public <T> T get(String name, Class<T> type) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("pipeline variable '" + name + "' is not set; set: " + values.keySet());
        }
        return cast(name, v, type);
    }

    public <T> Optional<T> find(String name, Class<T> type) {
        Object v = values.get(name);
        return v == null ? Optional.empty() : Optional.of(cast(name, v, type));
    }

    public <T> T getOrDefault(String name, T fallback) {
        @SuppressWarnings("unchecked")
        T v = (T) values.get(name);
        return v == null ? fallback : v;
    }

    public void put(String name, Object value) {
        if (value == null) {
            values.remove(name);
        } else {
            values.put(name, value);
        }
    }

    public Map<String, Object> asMap() {
        synchronized (values) {
            return new LinkedHashMap<>(values);
        }
    }

    void replaceAll(Map<String, Object> restored) {
        synchronized (values) {
            values.clear();
            values.putAll(restored);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(String name, Object v, Class<T> type) {
        // numbers restored from a checkpoint come back as the JSON reader made them: convert between number types
        if (v instanceof Number n && Number.class.isAssignableFrom(box(type)) && !box(type).isInstance(v)) {
            Class<?> b = box(type);
            if (b == Integer.class) return (T) Integer.valueOf(n.intValue());
            if (b == Long.class) return (T) Long.valueOf(n.longValue());
            if (b == Double.class) return (T) Double.valueOf(n.doubleValue());
        }
        if (!box(type).isInstance(v)) {
            throw new IllegalArgumentException("pipeline variable '" + name + "' is a " + v.getClass().getSimpleName()
                    + ", not a " + type.getSimpleName());
        }
        return (T) v;
    }

    private static Class<?> box(Class<?> c) {
        if (!c.isPrimitive()) return c;
        if (c == int.class) return Integer.class;
        if (c == long.class) return Long.class;
        if (c == double.class) return Double.class;
        if (c == boolean.class) return Boolean.class;
        return c;
    }
}
