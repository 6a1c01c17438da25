package dev.orchard.engine.pipeline;

import java.util.List;
import java.util.Optional;

/**
 * One setting of a stage type: its name in the stage's {@code config}, its type (a {@link DataType} name, or
 * {@code object} for nested JSON), whether it must be given, its default, the allowed values if it is a choice, and
 * what it does (the canvas's inspector is generated from these).
 */
public record ConfigField(String name, String type, boolean required, Optional<Object> defaultValue, List<String> choices,
                          String description) {
    public ConfigField {
        choices = List.copyOf(choices);
    }

    public static ConfigField required(String name, String type, String description) {
        return new ConfigField(name, type, true, Optional.empty(), List.of(), description);
    }

    public static ConfigField optional(String name, String type, Object defaultValue, String description) {
        return new ConfigField(name, type, false, Optional.ofNullable(defaultValue), List.of(), description);
    }

    public static ConfigField choice(String name, List<String> choices, String defaultValue, String description) {
        return new ConfigField(name, "string", false, Optional.ofNullable(defaultValue), choices, description);
    }
}
