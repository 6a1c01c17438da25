package dev.orchard.engine.pipeline;

import java.util.List;
import java.util.Map;

/**
 * A kind of stage the registry offers (a palette entry of the canvas): its ports with their types, its configuration
 * schema, and how to make the stage from a configuration. JSON specs and the canvas name stages by {@link #name()}.
 */
public interface StageType {
    String name();

    /** The palette group: optimizers, schedulers, objectives, curricula, predictors, loops, sub-experiments, hooks. */
    String category();

    String description();

    List<Port> inputs();

    List<Port> outputs();

    List<ConfigField> config();

    /**
     * Checks a configuration beyond the schema (it may consult the whole experiment spec for defaults) and returns the
     * problems, each with the JSON path below {@code config} ({@code "budget"}) and a message.
     */
    default List<Map.Entry<String, String>> check(Map<String, Object> config, StageEnvironment env) {
        return List.of();
    }

    /** The stage for a configuration that passed {@link #check}. */
    Stage create(Map<String, Object> config, StageEnvironment env);
}
