package dev.orchard.engine.pipeline;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Stage data as JSON, for checkpoints and the cache. A value is stored with its class, so it comes back as the same
 * type; the declared type (port or contract) supplies generic element types that the class alone has lost
 * ({@code List<Trial>}). A value Jackson cannot write is reported, not silently dropped.
 */
final class Values {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private Values() {
    }

    /** {@code {"class": ..., "value": ...}}; throws {@link IllegalArgumentException} when the value is not JSON-able. */
    static JsonNode write(Object value) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("class", value.getClass().getName());
        try {
            n.set("value", MAPPER.valueToTree(value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a " + value.getClass().getSimpleName() + " cannot be stored as JSON: "
                    + e.getMessage(), e);
        }
        return n;
    }

    static Object read(JsonNode stored, DataType declared) {
        JsonNode value = stored.get("value");
        String cls = stored.path("class").asText("");
        try {
            Optional<JavaType> t = javaType(declared);
            if (t.isEmpty() && !cls.isEmpty()) {
                Class<?> c = Class.forName(cls, false, Thread.currentThread().getContextClassLoader() == null
                        ? Values.class.getClassLoader() : Thread.currentThread().getContextClassLoader());
                if (!java.util.Collection.class.isAssignableFrom(c) && !Map.class.isAssignableFrom(c)) {
                    t = Optional.of(MAPPER.getTypeFactory().constructType(c));
                }
            }
            return t.isPresent() ? MAPPER.convertValue(value, t.get()) : MAPPER.convertValue(value, Object.class);
        } catch (ClassNotFoundException | IllegalArgumentException e) {
            throw new IllegalStateException("a stored " + cls + " cannot be read back: " + e.getMessage(), e);
        }
    }

    /** The Jackson type of a declared type, when it says more than plain JSON would. */
    static Optional<JavaType> javaType(DataType t) {
        var f = MAPPER.getTypeFactory();
        if (t instanceof DataType.Struct s && s.javaClass().isPresent()) {
            return Optional.of(f.constructType(s.javaClass().get()));
        }
        if (t instanceof DataType.ListOf l) {
            return javaType(l.element()).map(e -> f.constructCollectionType(java.util.List.class, e));
        }
        if (t instanceof DataType.MapOf m) {
            return javaType(m.value()).map(v -> f.constructMapType(java.util.LinkedHashMap.class, f.constructType(String.class), v));
        }
        return Optional.empty();
    }

    /** SHA-256 of canonical JSON (map keys sorted), hex. */
    static String hash(Object... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Object p : parts) {
                md.update(MAPPER.writeValueAsBytes(p));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot hash a stage input for the cache: " + e.getMessage(), e);
        }
    }
}
