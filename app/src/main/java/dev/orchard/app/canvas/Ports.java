package dev.orchard.app.canvas;

import dev.orchard.engine.pipeline.DataType;
import dev.orchard.engine.pipeline.Port;
import dev.orchard.engine.pipeline.StageType;
import dev.orchard.engine.pipeline.StageTypes;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The ports a node shows, as the engine will see them: a registry stage's declared ports, a loop's or group's single
 * {@code in} / {@code out} (the body's {@code @in} / {@code @out}), the terminals' one port each; for a stage of an
 * unknown type, the ports its edges name (so nothing drawn is lost while the problem is shown).
 */
public final class Ports {
    private Ports() {
    }

    public static List<Port> inputs(CanvasNode n, CanvasGraph level) {
        if (n.id().equals(CanvasNode.INPUT)) {
            return List.of();
        }
        if (n.id().equals(CanvasNode.OUTPUT)) {
            return List.of(Port.optional(Port.IN, DataType.ANY, "what the pipeline gives back"));
        }
        if (n.isBlock()) {
            return List.of(Port.optional(Port.IN, bodyInput(n.body()), "enters the body at its Input"));
        }
        return registry(n).map(StageType::inputs).orElseGet(() -> named(n, level, false));
    }

    public static List<Port> outputs(CanvasNode n, CanvasGraph level) {
        if (n.id().equals(CanvasNode.OUTPUT)) {
            return List.of();
        }
        if (n.id().equals(CanvasNode.INPUT)) {
            return List.of(Port.of(Port.OUT, DataType.ANY));
        }
        if (n.isBlock()) {
            return List.of(Port.of(Port.OUT, bodyOutput(n.body())));
        }
        return registry(n).map(StageType::outputs).orElseGet(() -> named(n, level, true));
    }

    public static Optional<Port> input(CanvasNode n, CanvasGraph level, String name) {
        return inputs(n, level).stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public static Optional<Port> output(CanvasNode n, CanvasGraph level, String name) {
        return outputs(n, level).stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * What a loop or group gives: the type of what its body connects to its Output (types propagate outwards, as
     * KNIME's configure does, so a connection from a group is checked like one from the stage inside).
     */
    static DataType bodyOutput(CanvasGraph body) {
        for (CanvasEdge e : body.edges()) {
            if (e.to().equals(CanvasNode.OUTPUT)) {
                return body.node(e.from()).flatMap(n -> output(n, body, e.fromPort())).map(Port::type).orElse(DataType.ANY);
            }
        }
        return DataType.ANY;
    }

    /** What a loop or group takes: the type its body's Input feeds (the first that is not "any"). */
    static DataType bodyInput(CanvasGraph body) {
        for (CanvasEdge e : body.edges()) {
            if (e.from().equals(CanvasNode.INPUT)) {
                DataType t = body.node(e.to()).flatMap(n -> input(n, body, e.toPort())).map(Port::type).orElse(DataType.ANY);
                if (!(t instanceof DataType.Any)) {
                    return t;
                }
            }
        }
        return DataType.ANY;
    }

    /** The registry type of a readable stage, if it is known. */
    public static Optional<StageType> registry(CanvasNode n) {
        if (n.isTerminal() || n.isBlock() || n.unread().isPresent()) {
            return Optional.empty();
        }
        return StageTypes.get(n.type());
    }

    private static List<Port> named(CanvasNode n, CanvasGraph level, boolean outputs) {
        Set<String> names = new LinkedHashSet<>();
        names.add(outputs ? Port.OUT : Port.IN);
        for (CanvasEdge e : level.edges()) {
            if (outputs && e.from().equals(n.id())) {
                names.add(e.fromPort());
            } else if (!outputs && e.to().equals(n.id())) {
                names.add(e.toPort());
            }
        }
        var out = new ArrayList<Port>();
        for (String p : names) {
            if (p.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                out.add(Port.optional(p, DataType.ANY, "a port of an unknown stage"));
            }
        }
        return out;
    }
}
