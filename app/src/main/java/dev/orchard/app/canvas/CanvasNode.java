package dev.orchard.app.canvas;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A box on the canvas: a stage of the registry ({@code type} "sweep"), a loop or group with a {@code body} of its own,
 * or one of the two terminals of a level ({@link #INPUT}, {@link #OUTPUT}: the engine's {@code @in} / {@code @out}).
 * {@code id} is the canvas's own handle (names change, ids do not). A stage the reader could not understand keeps its
 * JSON in {@code unread}, is written back as it was, and is marked, never dropped.
 */
public record CanvasNode(String id, String name, String type, Map<String, Object> config, double x, double y,
                         CanvasGraph body, Optional<JsonNode> unread) {
    public static final String INPUT = "@in";
    public static final String OUTPUT = "@out";

    public CanvasNode {
        config = config == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(config));
        body = body == null ? CanvasGraph.EMPTY : body;
        unread = unread == null ? Optional.empty() : unread;
    }

    public static CanvasNode stage(String id, String name, String type, Map<String, Object> config, double x, double y) {
        return new CanvasNode(id, name, type, config, x, y, CanvasGraph.EMPTY, Optional.empty());
    }

    public static CanvasNode terminal(String which, double x, double y) {
        return new CanvasNode(which, which.equals(INPUT) ? "Input" : "Output", which, Map.of(), x, y, CanvasGraph.EMPTY, Optional.empty());
    }

    public boolean isTerminal() {
        return id.equals(INPUT) || id.equals(OUTPUT);
    }

    /** A loop or group: it has stages inside. */
    public boolean isBlock() {
        return unread.isEmpty() && (type.equals("loop") || type.equals("group"));
    }

    /** Whether {@code other} is this node, moved: nothing but its place differs (views skip all else on a drag). */
    public boolean movedOnly(CanvasNode other) {
        // the record copies its config, so a moved node has an equal (not the same) one
        return id.equals(other.id) && name.equals(other.name) && type.equals(other.type) && config.equals(other.config)
                && body == other.body && unread == other.unread;
    }

    public CanvasNode at(double nx, double ny) {
        return new CanvasNode(id, name, type, config, nx, ny, body, unread);
    }

    public CanvasNode withConfig(Map<String, Object> c) {
        return new CanvasNode(id, name, type, c, x, y, body, unread);
    }

    public CanvasNode withName(String n) {
        return new CanvasNode(id, n, type, config, x, y, body, unread);
    }

    public CanvasNode withBody(CanvasGraph b) {
        return new CanvasNode(id, name, type, config, x, y, b, unread);
    }

    public CanvasNode withId(String newId) {
        return new CanvasNode(newId, name, type, config, x, y, body, unread);
    }
}
