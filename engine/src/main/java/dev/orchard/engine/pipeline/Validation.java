package dev.orchard.engine.pipeline;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The static checks of a graph, before anything runs: names, wiring, cycles and contracts (like KNIME's
 * {@code configure(inSpecs)}: each edge's source type must flow into its contract, and the contract into the target
 * port). Every problem names the stage path and, for JSON specs, where it is.
 */
final class Validation {
    private static final String NAME = "[A-Za-z_][A-Za-z0-9_-]*";

    private Validation() {
    }

    /**
     * @param inType  the type entering at {@code @in}
     * @param outType the type {@code @out} must give (a loop's carried type), if any
     */
    static void graph(Graph g, String prefix, DataType inType, Optional<DataType> outType, List<PipelineException.Problem> problems) {
        Map<String, Node> byName = g.byName();
        Set<String> seen = new HashSet<>();
        for (Node n : g.nodes()) {
            String path = prefix + n.name();
            if (n.name() == null || !n.name().matches(NAME)) {
                problems.add(new PipelineException.Problem(path, n.jsonPath(), "a stage name is a word of letters, digits, _ or -"
                        + " starting with a letter (got '" + n.name() + "')"));
            }
            if (!seen.add(n.name())) {
                problems.add(new PipelineException.Problem(path, n.jsonPath(), "duplicate stage name '" + n.name()
                        + "'; names are unique within a pipeline"));
            }
        }
        boolean wired = true;
        Set<String> fedPorts = new HashSet<>();
        for (Edge e : g.edges()) {
            String where = e.jsonPath();
            Optional<DataType> from = sourceType(e, byName, inType);
            Optional<DataType> to = targetType(e, byName, outType);
            if (e.to().equals(Graph.INPUT) || e.from().equals(Graph.OUTPUT)) {
                problems.add(new PipelineException.Problem(prefix + e.to(), where, "edge " + e.describe()
                        + " runs the wrong way: @in is a source and @out a sink"));
                wired = false;
                continue;
            }
            if (from.isEmpty()) {
                problems.add(new PipelineException.Problem(prefix + e.from(), where, byName.containsKey(e.from())
                        ? "has no output port '" + e.fromPort() + "' (it has " + ports(byName.get(e.from()).outputs()) + ")"
                        : "edge " + e.describe() + " starts at an unknown stage '" + e.from() + "'"));
                wired = false;
            }
            if (to.isEmpty()) {
                problems.add(new PipelineException.Problem(prefix + e.to(), where, byName.containsKey(e.to())
                        ? "has no input port '" + e.toPort() + "' (it has " + ports(byName.get(e.to()).inputs()) + ")"
                        : "edge " + e.describe() + " ends at an unknown stage '" + e.to() + "'"));
                wired = false;
            }
            if (!fedPorts.add(e.to() + "." + e.toPort())) {
                problems.add(new PipelineException.Problem(prefix + e.to(), where, "input '" + e.toPort()
                        + "' is connected twice; an input takes one edge"));
            }
            if (from.isEmpty() || to.isEmpty()) {
                continue;
            }
            Optional<String> intoContract = e.contract().acceptFrom(from.get());
            if (intoContract.isPresent()) {
                problems.add(new PipelineException.Problem(prefix + e.from(), where, "gives " + from.get() + " at '"
                        + e.fromPort() + "', but the through to " + name(e.to()) + " has contract " + e.contract()
                        + " (" + intoContract.get() + ")"));
                continue;
            }
            DataType flowing = e.contract() instanceof DataType.Any ? from.get() : e.contract();
            Optional<String> intoTarget = to.get().acceptFrom(flowing);
            if (intoTarget.isPresent()) {
                problems.add(new PipelineException.Problem(prefix + e.to(), where, "input '" + e.toPort() + "' of "
                        + name(e.to()) + " takes " + to.get() + ", but " + name(e.from()) + " gives " + flowing
                        + (e.contract() instanceof DataType.Any ? "" : " (through contract " + e.contract() + ")")
                        + ": " + intoTarget.get()));
            }
        }
        for (Node n : g.nodes()) {
            for (Port p : n.inputs()) {
                if (!p.optional() && !fedPorts.contains(n.name() + "." + p.name())) {
                    problems.add(new PipelineException.Problem(prefix + n.name(), n.jsonPath(), "input '" + p.name()
                            + "' (" + p.type() + ") is not connected"));
                }
            }
        }
        if (wired) {
            List<Node> order = g.order();
            if (order.size() < g.nodes().size()) {
                Set<String> ordered = new HashSet<>();
                order.forEach(n -> ordered.add(n.name()));
                List<String> cycle = g.nodes().stream().map(Node::name).filter(n -> !ordered.contains(n)).toList();
                problems.add(new PipelineException.Problem(prefix + cycle.get(0), g.byName().get(cycle.get(0)).jsonPath(),
                        "the edges form a cycle through " + String.join(" → ", cycle)
                                + "; repeat stages with a loop instead"));
            }
        }
        for (Node n : g.nodes()) {
            if (n instanceof Node.BlockNode b) {
                if (b.maxIterations() < 1) {
                    problems.add(new PipelineException.Problem(prefix + b.name(), b.jsonPath(), "max_iterations must be at least 1"));
                }
                graph(b.body(), prefix + b.name() + "/", b.carried(),
                        b.kind().equals("loop") ? Optional.of(b.carried()) : Optional.empty(), problems);
            }
        }
    }

    private static Optional<DataType> sourceType(Edge e, Map<String, Node> byName, DataType inType) {
        if (e.from().equals(Graph.INPUT)) {
            return Optional.of(inType);
        }
        Node n = byName.get(e.from());
        return n == null ? Optional.empty() : n.output(e.fromPort()).map(Port::type);
    }

    private static Optional<DataType> targetType(Edge e, Map<String, Node> byName, Optional<DataType> outType) {
        if (e.to().equals(Graph.OUTPUT)) {
            return Optional.of(outType.orElse(DataType.ANY));
        }
        Node n = byName.get(e.to());
        return n == null ? Optional.empty() : n.input(e.toPort()).map(Port::type);
    }

    private static String name(String node) {
        return switch (node) {
            case Graph.INPUT -> "the input";
            case Graph.OUTPUT -> "the output";
            default -> "stage '" + node + "'";
        };
    }

    private static String ports(List<Port> ports) {
        return ports.isEmpty() ? "none" : String.join(", ", ports.stream().map(p -> p.name() + ": " + p.type()).toList());
    }
}
