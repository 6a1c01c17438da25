package dev.orchard.engine.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.trial.Direction;

/** What an optimizer is created for: the space, which way is better, the seed and its own settings (JSON object). */
public record OptimizerContext(SearchSpace space, Direction direction, long seed, JsonNode config) {

    public OptimizerContext {
        config = config == null || config.isNull() ? JsonNodeFactory.instance.objectNode() : config;
    }

    public OptimizerContext(SearchSpace space, Direction direction, long seed) {
        this(space, direction, seed, null);
    }
}
