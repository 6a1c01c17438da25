package dev.orchard.app.canvas;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.pipeline.PipelineSpec;

import java.util.List;
import java.util.Optional;

/** Small edits of a connection's JSON hooks, by their JSON names (the inspector and the hook palette use them). */
final class Hooks {
    static final PipelineSpec.HooksSpec NONE = new PipelineSpec.HooksSpec(false, false, Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), false, List.of(), List.of());

    /** Hooks as JSON writes them: absent switches are off. */
    private static final com.fasterxml.jackson.databind.ObjectReader READER = Json.SPEC.readerFor(PipelineSpec.HooksSpec.class)
            .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private Hooks() {
    }

    static PipelineSpec.HooksSpec read(com.fasterxml.jackson.databind.JsonNode h) throws java.io.IOException {
        return READER.readValue(h);
    }

    /** The hooks with one key set ({@code null} removes it); throws IllegalArgumentException if the value does not fit. */
    static PipelineSpec.HooksSpec with(PipelineSpec.HooksSpec h, String key, Object value) {
        ObjectNode o = Json.SPEC.valueToTree(h);
        if (value == null) {
            o.remove(key);
        } else {
            o.set(key, Json.SPEC.valueToTree(value));
        }
        try {
            return READER.readValue(o);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    static Object get(PipelineSpec.HooksSpec h, String key) {
        var v = ((ObjectNode) Json.SPEC.valueToTree(h)).get(key);
        return v == null || v.isNull() ? null : Json.SPEC.convertValue(v, Object.class);
    }
}
