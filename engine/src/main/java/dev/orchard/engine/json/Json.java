package dev.orchard.engine.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.trial.Direction;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.util.Map;

/**
 * The engine's JSON mappers. Strict for files users write: duplicate keys, unknown properties, trailing tokens, strings
 * where numbers belong and fractions where integers belong are errors; nesting and sizes are bounded.
 */
public final class Json {
    private Json() {
    }

    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(200).maxStringLength(10_000_000).maxNumberLength(100).build();

    /** Strict, snake_case mapper for specs and archives. */
    public static final ObjectMapper SPEC = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(LIMITS).build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                    DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new com.fasterxml.jackson.datatype.jdk8.Jdk8Module())
            .addModule(enums())
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /** Compact mapper for protocol lines, stored params and metric lines; accepts NaN so it can be reported as such. */
    public static final ObjectMapper WIRE = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(LIMITS).build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new com.fasterxml.jackson.datatype.jdk8.Jdk8Module())
            .addModule(enums())
            .build();

    /** Enums in lower case on the wire ("minimize", "completed"). */
    private static SimpleModule enums() {
        SimpleModule m = new SimpleModule("orchard-enums");
        m.addSerializer(Direction.class, new JsonSerializer<>() {
            @Override
            public void serialize(Direction d, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeString(d.wire());
            }
        });
        m.addDeserializer(Direction.class, new JsonDeserializer<>() {
            @Override
            public Direction deserialize(JsonParser p, DeserializationContext c) throws IOException {
                if (!p.currentToken().isScalarValue() || !p.currentToken().equals(com.fasterxml.jackson.core.JsonToken.VALUE_STRING)) {
                    return (Direction) c.handleUnexpectedToken(Direction.class, p);
                }
                try {
                    return Direction.parse(p.getText());
                } catch (IllegalArgumentException e) {
                    throw com.fasterxml.jackson.databind.exc.InvalidFormatException.from(p, e.getMessage(), p.getText(), Direction.class);
                }
            }
        });
        return m;
    }

    /** Params map → compact JSON text. */
    public static String write(Object value) {
        try {
            return WIRE.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** Compact JSON object text → ordered map of plain values. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readMap(String json) {
        try {
            return WIRE.readValue(json, java.util.LinkedHashMap.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid JSON object: " + e.getMessage(), e);
        }
    }

    /** JSON text → tree. */
    public static JsonNode read(String json) {
        try {
            return WIRE.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
        }
    }

    /** The constant of {@code type} written {@code s} on the wire (its lower-case name), or an error naming the valid ones. */
    public static <E extends Enum<E>> E enumValue(Class<E> type, String s, String what) {
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(java.util.Locale.ROOT).equals(s)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + s + "'; valid: " + String.join(", ",
                java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(java.util.Locale.ROOT)).toList()));
    }

    /**
     * A UTF-8 data file to read line by line (data sets, curves, tables), unpacked on the fly when its name ends in
     * {@code .gz}; bounded by {@link InputFiles#DATA_MAX} packed and unpacked and {@link InputFiles#DATA_LINE_MAX} a line.
     */
    public static LineReader textReader(java.nio.file.Path p) throws IOException {
        return InputFiles.lines(p, InputFiles.DATA_MAX, InputFiles.DATA_LINE_MAX);
    }

    public static ObjectNode object() {
        return WIRE.createObjectNode();
    }

    public static JsonNode tree(Object value) {
        return WIRE.valueToTree(value);
    }
}
