package dev.orchard.engine.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The optimizer by name with its settings. JSON: {@code "sobol"} or {@code {"name":"tpe", "n_startup_trials": 10}}.
 */
public record OptimizerSpec(String name, ObjectNode config) {

    public OptimizerSpec {
        config = config == null ? JsonNodeFactory.instance.objectNode() : config;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static OptimizerSpec fromJson(JsonNode node) {
        if (node.isTextual()) {
            return new OptimizerSpec(node.asText(), null);
        }
        if (node.isObject() && node.path("name").isTextual()) {
            ObjectNode config = ((ObjectNode) node).deepCopy();
            config.remove("name");
            return new OptimizerSpec(node.get("name").asText(), config);
        }
        throw new IllegalArgumentException("expected an optimizer name or an object with a \"name\"");
    }

    @JsonValue
    public JsonNode toJson() {
        if (config.isEmpty()) {
            return JsonNodeFactory.instance.textNode(name);
        }
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("name", name);
        n.setAll(config);
        return n;
    }
}
