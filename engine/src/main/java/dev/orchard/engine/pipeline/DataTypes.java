package dev.orchard.engine.pipeline;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rules of {@link DataType}: deriving types from Java, compatibility, checking values, and the JSON syntax
 * ({@code number}, {@code list[Trial]}, {@code dict[number]}, {@code (trials=list[Trial], best=number)}, a named type).
 */
public final class DataTypes {
    private static final Map<String, DataType> NAMED = new ConcurrentHashMap<>();
    private static final int MAX_DEPTH = 64;

    private DataTypes() {
    }

    /** Makes a record type known by its simple name in JSON contracts (stage types register theirs). */
    public static DataType register(Class<? extends Record> type) {
        DataType t = DataType.of(type);
        DataType old = NAMED.putIfAbsent(type.getSimpleName(), t);
        if (old != null && !old.equals(t)) {
            throw new IllegalStateException("two types are named " + type.getSimpleName());
        }
        return t;
    }

    public static Optional<DataType> named(String name) {
        if (!NAMED.containsKey(name)) {
            StageTypes.all(); // plug-ins register their types when they load
        }
        return Optional.ofNullable(NAMED.get(name));
    }

    public static Set<String> names() {
        return new java.util.TreeSet<>(NAMED.keySet());
    }

    static DataType fromJava(Type type, Set<Type> seen) {
        if (type instanceof WildcardType w) {
            return fromJava(w.getUpperBounds()[0], seen);
        }
        Class<?> raw = type instanceof Class<?> c ? c : type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : Object.class;
        if (raw == Object.class) {
            return DataType.ANY;
        }
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class || raw == short.class || raw == Short.class) {
            return DataType.INTEGER;
        }
        if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class || raw == Number.class) {
            return DataType.NUMBER;
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return DataType.BOOLEAN;
        }
        if (raw == String.class || raw.isEnum()) {
            return DataType.STRING;
        }
        if (DataType.isCollection(raw)) {
            return new DataType.ListOf(fromJava(DataType.typeArgument(type, 0), seen));
        }
        if (Map.class.isAssignableFrom(raw)) {
            return new DataType.MapOf(fromJava(DataType.typeArgument(type, 1), seen));
        }
        if (raw.isRecord() && seen.add(raw)) {
            var fields = new LinkedHashMap<String, DataType>();
            for (RecordComponent c : raw.getRecordComponents()) {
                fields.put(c.getName(), fromJava(c.getGenericType(), seen));
            }
            seen.remove(raw);
            return new DataType.Struct(raw.getSimpleName(), fields, Optional.of(raw));
        }
        // opaque: Optional, Instant, an interface, a class of the user's: checked by instanceof
        return new DataType.Struct(raw.getSimpleName(), Map.of(), Optional.of(raw));
    }

    /**
     * Why a value of type {@code produced} cannot flow where {@code expected} is wanted, or empty when it can (the
     * check of a through contract at build time, and of a connection the canvas is asked to make).
     */
    public static Optional<String> accept(DataType expected, DataType produced) {
        if (expected instanceof DataType.Any || produced instanceof DataType.Any) {
            return Optional.empty();
        }
        if (expected instanceof DataType.Scalar e) {
            if (produced instanceof DataType.Scalar p && (p.name().equals(e.name())
                    || e.name().equals("number") && p.name().equals("integer"))) {
                return Optional.empty();
            }
            return mismatch(expected, produced);
        }
        if (expected instanceof DataType.ListOf e) {
            if (produced instanceof DataType.ListOf p) {
                return accept(e.element(), p.element()).map(r -> "list elements: " + r);
            }
            return mismatch(expected, produced);
        }
        if (expected instanceof DataType.MapOf e) {
            if (produced instanceof DataType.MapOf p) {
                return accept(e.value(), p.value()).map(r -> "dict values: " + r);
            }
            if (produced instanceof DataType.Struct s && s.isSlots()) {
                for (var f : s.fields().entrySet()) {
                    Optional<String> r = accept(e.value(), f.getValue());
                    if (r.isPresent()) {
                        return Optional.of("field " + f.getKey() + ": " + r.get());
                    }
                }
                return Optional.empty();
            }
            return mismatch(expected, produced);
        }
        DataType.Struct e = (DataType.Struct) expected;
        if (!(produced instanceof DataType.Struct p)) {
            return mismatch(expected, produced);
        }
        if (!e.isSlots()) {
            // a Java record is taken by name: a different class cannot be cast to it
            if (p.javaClass().isPresent() && e.javaClass().get().isAssignableFrom(p.javaClass().get())) {
                return Optional.empty();
            }
            return mismatch(expected, produced);
        }
        for (var f : e.fields().entrySet()) {
            DataType has = p.fields().get(f.getKey());
            if (has == null) {
                return Optional.of("needs field '" + f.getKey() + "' (" + f.getValue() + "), which " + p + " lacks");
            }
            Optional<String> r = accept(f.getValue(), has);
            if (r.isPresent()) {
                return Optional.of("field '" + f.getKey() + "': " + r.get());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> mismatch(DataType expected, DataType produced) {
        return Optional.of("expects " + expected + " but gets " + produced);
    }

    static void check(DataType type, Object value, String at, List<String> problems, int depth) {
        if (problems.size() >= 5 || depth > MAX_DEPTH) {
            return;
        }
        String where = at.isEmpty() ? "value" : at;
        if (value == null) {
            problems.add(where + ": is missing (null), expected " + type);
            return;
        }
        if (type instanceof DataType.Any) {
            return;
        }
        if (type instanceof DataType.Scalar s) {
            boolean ok = switch (s.name()) {
                case "number" -> value instanceof Number n && Double.isFinite(n.doubleValue());
                case "integer" -> value instanceof Integer || value instanceof Long || value instanceof Short
                        || value instanceof Number n && Double.isFinite(n.doubleValue()) && n.doubleValue() == Math.rint(n.doubleValue())
                        && !(value instanceof Float) && !(value instanceof Double);
                case "string" -> value instanceof String || value instanceof Enum<?>;
                case "boolean" -> value instanceof Boolean;
                default -> false;
            };
            if (!ok) {
                problems.add(where + ": expected " + s + ", got " + describe(value));
            }
            return;
        }
        if (type instanceof DataType.ListOf l) {
            if (!(value instanceof Collection<?> c)) {
                problems.add(where + ": expected " + type + ", got " + describe(value));
                return;
            }
            int i = 0;
            for (Object o : c) {
                check(l.element(), o, at + "[" + i++ + "]", problems, depth + 1);
            }
            return;
        }
        if (type instanceof DataType.MapOf m) {
            if (!(value instanceof Map<?, ?> map)) {
                problems.add(where + ": expected " + type + ", got " + describe(value));
                return;
            }
            for (var en : map.entrySet()) {
                check(m.value(), en.getValue(), at + "." + en.getKey(), problems, depth + 1);
            }
            return;
        }
        DataType.Struct s = (DataType.Struct) type;
        if (s.javaClass().isPresent()) {
            if (!s.javaClass().get().isInstance(value)) {
                problems.add(where + ": expected " + s + ", got " + describe(value));
                return;
            }
            if (value instanceof Record r) {
                for (RecordComponent c : r.getClass().getRecordComponents()) {
                    DataType ft = s.fields().get(c.getName());
                    if (ft != null) {
                        check(ft, component(r, c), at.isEmpty() ? c.getName() : at + "." + c.getName(), problems, depth + 1);
                    }
                }
            }
            return;
        }
        Object adapted = s.adapt(value);
        if (!(adapted instanceof Map<?, ?> map)) {
            problems.add(where + ": expected " + s + ", got " + describe(value));
            return;
        }
        for (var f : s.fields().entrySet()) {
            if (!map.containsKey(f.getKey())) {
                problems.add((at.isEmpty() ? "" : at + ".") + f.getKey() + ": is missing, expected " + f.getValue());
            } else {
                check(f.getValue(), map.get(f.getKey()), at.isEmpty() ? f.getKey() : at + "." + f.getKey(), problems, depth + 1);
            }
        }
    }

    private static Object component(Record r, RecordComponent c) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(Object value) {
        if (value instanceof Double d && !Double.isFinite(d)) {
            return d.toString();
        }
        String s = String.valueOf(value);
        return value.getClass().getSimpleName() + " " + (s.length() > 40 ? s.substring(0, 40) + "…" : s);
    }

    /** Parses the JSON contract syntax; throws {@link IllegalArgumentException} saying what is wrong and where. */
    public static DataType parse(String text) {
        var p = new Parser(text);
        DataType t = p.type();
        p.skip();
        if (p.i != text.length()) {
            throw p.error("unexpected '" + text.substring(p.i) + "'");
        }
        return t;
    }

    private static final class Parser {
        final String s;
        int i;

        Parser(String s) {
            this.s = s;
        }

        void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("contract '" + s + "' at character " + (i + 1) + ": " + what);
        }

        String word() {
            skip();
            int start = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                i++;
            }
            if (start == i) {
                throw error(i < s.length() ? "unexpected '" + s.charAt(i) + "'" : "a type is missing");
            }
            return s.substring(start, i);
        }

        boolean eat(char c) {
            skip();
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        void expect(char c) {
            if (!eat(c)) {
                throw error("expected '" + c + "'");
            }
        }

        DataType type() {
            if (eat('(')) {
                var fields = new LinkedHashMap<String, DataType>();
                do {
                    String name = word();
                    if (!eat('=') && !eat(':')) {
                        throw error("expected '=' after slot '" + name + "'");
                    }
                    if (fields.put(name, type()) != null) {
                        throw error("slot '" + name + "' appears twice");
                    }
                } while (eat(','));
                expect(')');
                return new DataType.Struct("", fields, Optional.empty());
            }
            String w = word();
            switch (w) {
                case "any", "Any", "object":
                    return DataType.ANY;
                case "number", "float", "double":
                    return DataType.NUMBER;
                case "integer", "int":
                    return DataType.INTEGER;
                case "string", "str":
                    return DataType.STRING;
                case "boolean", "bool":
                    return DataType.BOOLEAN;
                case "list":
                    if (eat('[')) {
                        DataType e = type();
                        expect(']');
                        return new DataType.ListOf(e);
                    }
                    return new DataType.ListOf(DataType.ANY);
                case "dict", "map":
                    if (eat('[')) {
                        DataType v = type();
                        if (eat(',')) {
                            v = type(); // dict[str, T]: keys are always strings
                        }
                        expect(']');
                        return new DataType.MapOf(v);
                    }
                    return new DataType.MapOf(DataType.ANY);
                default:
                    return named(w).orElseThrow(() -> error("unknown type '" + w + "'; known: any, number, integer, string, "
                            + "boolean, list[T], dict[T], (name=T, ...), " + String.join(", ", names())));
            }
        }
    }
}
