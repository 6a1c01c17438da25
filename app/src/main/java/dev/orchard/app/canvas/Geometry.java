package dev.orchard.app.canvas;

import dev.orchard.engine.pipeline.Port;

import java.util.List;

/**
 * Where things are drawn, computed from the model alone (no layout pass), so connections follow a moved node at once
 * and hit-testing needs no scene: a node's size and the centre of each of its ports.
 */
public final class Geometry {
    public static final double WIDTH = 196;
    public static final double TERMINAL_WIDTH = 112;
    public static final double HEADER = 46;
    public static final double ROW = 22;
    public static final double FOOTER = 22;

    private Geometry() {
    }

    public static double width(CanvasNode n) {
        return n.isTerminal() ? TERMINAL_WIDTH : WIDTH;
    }

    public static final double TERMINAL_HEIGHT = 36;

    public static double height(CanvasNode n, CanvasGraph g) {
        if (n.isTerminal()) {
            return TERMINAL_HEIGHT;
        }
        int rows = Math.max(1, Ports.inputs(n, g).size() + Ports.outputs(n, g).size());
        return HEADER + rows * ROW + FOOTER;
    }

    /**
     * The y of a port's row, relative to the node's top: inputs first (on the left edge), then outputs (on the right),
     * one row each, so every port has room for its name and type.
     */
    public static double portY(CanvasNode n, int inputs, int index, boolean output) {
        if (n.isTerminal()) {
            return TERMINAL_HEIGHT / 2;
        }
        return HEADER + (output ? inputs + index : index) * ROW + ROW / 2;
    }

    /** {x, y} of a port's centre in world coordinates; inputs on the left edge, outputs on the right. */
    public static double[] port(CanvasNode n, CanvasGraph g, String port, boolean output) {
        List<Port> ports = output ? Ports.outputs(n, g) : Ports.inputs(n, g);
        int i = 0;
        for (int k = 0; k < ports.size(); k++) {
            if (ports.get(k).name().equals(port)) {
                i = k;
                break;
            }
        }
        int inputs = output ? Ports.inputs(n, g).size() : 0;
        return new double[]{output ? n.x() + width(n) : n.x(), n.y() + portY(n, inputs, i, output)};
    }
}
