package dev.orchard.engine.pipeline;

/** A named input or output of a stage and the type of what it takes or gives. */
public record Port(String name, DataType type, boolean optional, String description) {
    public static final String IN = "in";
    public static final String OUT = "out";

    public Port {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("port name '" + name + "' must be a word (letters, digits, _)");
        }
    }

    public static Port of(String name, DataType type) {
        return new Port(name, type, false, "");
    }

    public static Port optional(String name, DataType type, String description) {
        return new Port(name, type, true, description);
    }
}
