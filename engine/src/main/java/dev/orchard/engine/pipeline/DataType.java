package dev.orchard.engine.pipeline;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The type of what flows between two stages: the contract of a {@code through}, and the type of a port. Java
 * records map to {@link Struct}s with a class (checked by name: a value must be an instance); named slots
 * ({@code through(trials=list[Trial])}) are structs without a class, carried as a {@code Map} (checked by field).
 * The same types come from Java ({@link #of(Type)}) and from JSON ({@link DataTypes#parse}).
 */
public sealed interface DataType {

    /** Anything: the contract of an untyped lambda stage; checked at run time by the edge's contract, if any. */
    record Any() implements DataType {
        @Override
        public String toString() {
            return "any";
        }
    }

    /** number (any finite double), integer, string or boolean. */
    record Scalar(String name) implements DataType {
        @Override
        public String toString() {
            return name;
        }
    }

    record ListOf(DataType element) implements DataType {
        @Override
        public String toString() {
            return "list[" + element + "]";
        }
    }

    /** A map with string keys. */
    record MapOf(DataType value) implements DataType {
        @Override
        public String toString() {
            return value instanceof Any ? "dict" : "dict[" + value + "]";
        }
    }

    /**
     * Named fields. With a {@code javaClass}, values are instances of it (a record); without one ("slots"), values are
     * maps with these keys, and a record with matching components converts to one as it flows in. {@code fields} is empty
     * for an opaque class (checked by {@code instanceof} alone).
     */
    record Struct(String name, Map<String, DataType> fields, Optional<Class<?>> javaClass) implements DataType {
        public Struct {
            fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        public boolean isSlots() {
            return javaClass.isEmpty();
        }

        @Override
        public String toString() {
            if (!isSlots()) {
                return name;
            }
            StringBuilder b = new StringBuilder("(");
            fields.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append('=').append(v));
            return b.append(')').toString();
        }
    }

    DataType ANY = new Any();
    DataType NUMBER = new Scalar("number");
    DataType INTEGER = new Scalar("integer");
    DataType STRING = new Scalar("string");
    DataType BOOLEAN = new Scalar("boolean");

    static DataType listOf(DataType element) {
        return new ListOf(element);
    }

    static DataType listOf(Class<?> element) {
        return new ListOf(of(element));
    }

    /** Named slots, e.g. {@code slots("trials", listOf(Trial.class), "best", NUMBER)}. */
    static Struct slots(Object... nameTypePairs) {
        if (nameTypePairs.length % 2 != 0) {
            throw new IllegalArgumentException("slots(...) takes name, type pairs");
        }
        var fields = new LinkedHashMap<String, DataType>();
        for (int i = 0; i < nameTypePairs.length; i += 2) {
            Object t = nameTypePairs[i + 1];
            fields.put((String) nameTypePairs[i], t instanceof DataType d ? d : of((Type) t));
        }
        return new Struct("", fields, Optional.empty());
    }

    /** The type of a Java type: records become structs of their components (generic element types included). */
    static DataType of(Type type) {
        return DataTypes.fromJava(type, new java.util.HashSet<>());
    }

    /**
     * Why a value of type {@code produced} cannot flow where this type is expected, or empty when it can. A producer of
     * {@code any} is accepted here and checked at run time.
     */
    default Optional<String> acceptFrom(DataType produced) {
        return DataTypes.accept(this, produced);
    }

    /** Checks a value against this type; returns the problems, each starting with where in the value ({@code trials[3]}). */
    default List<String> check(Object value) {
        var problems = new java.util.ArrayList<String>();
        DataTypes.check(this, value, "", problems, 0);
        return problems;
    }

    /** The value as this type expects it: a record flowing into named slots becomes a map of its components. */
    default Object adapt(Object value) {
        if (this instanceof Struct s && s.isSlots() && value instanceof Record r) {
            var map = new LinkedHashMap<String, Object>();
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                try {
                    map.put(c.getName(), c.getAccessor().invoke(r));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return map;
        }
        return value;
    }

    /** For {@link #of(Type)}: the element type of a collection type, or {@code Object}. */
    static Type typeArgument(Type t, int i) {
        return t instanceof ParameterizedType p && p.getActualTypeArguments().length > i ? p.getActualTypeArguments()[i] : Object.class;
    }

    static boolean isCollection(Class<?> c) {
        return Collection.class.isAssignableFrom(c);
    }
}
