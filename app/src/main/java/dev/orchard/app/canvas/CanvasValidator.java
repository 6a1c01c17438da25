package dev.orchard.app.canvas;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.experiment.ExperimentSpec;
import dev.orchard.engine.experiment.PipelineExperiments;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.SpecException;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.pipeline.DataType;
import dev.orchard.engine.pipeline.DataTypes;
import dev.orchard.engine.pipeline.PipelineException;
import dev.orchard.engine.pipeline.Port;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a drawing the way KNIME's {@code configure(inSpecs)} does, before anything runs: each level on its own (an
 * input a stage needs that nothing feeds, a connection whose types do not fit its contract, a stage that could not be
 * read or whose type is unknown), then the whole document through the engine exactly as {@code orchard run} would build
 * it, every problem mapped back onto the node or edge its JSON path names.
 */
public final class CanvasValidator {
    private CanvasValidator() {
    }

    public static CanvasProblems validate(CanvasDoc doc, Optional<Path> baseDir) {
        var b = new CanvasProblems.Builder();
        level(doc.graph(), b);
        engine(doc, baseDir, b);
        return b.build();
    }

    /** The checks of one level and the levels inside it (fast: no stage is built). */
    static void level(CanvasGraph g, CanvasProblems.Builder b) {
        Map<String, Integer> names = new HashMap<>();
        for (CanvasNode n : g.stages()) {
            names.merge(n.name(), 1, Integer::sum);
        }
        for (CanvasNode n : g.nodes()) {
            if (n.isTerminal()) {
                continue;
            }
            if (n.unread().isPresent()) {
                b.node(n.id(), "could not be read; it is kept as written (fix it in the file)");
                continue;
            }
            if (names.getOrDefault(n.name(), 0) > 1) {
                b.node(n.id(), "two stages here are named '" + n.name() + "'");
            }
            if (!n.isBlock() && Ports.registry(n).isEmpty()) {
                b.node(n.id(), "unknown stage type '" + n.type() + "'");
                continue;
            }
            for (Port in : Ports.inputs(n, g)) {
                if (!in.optional() && g.into(n.id(), in.name()).isEmpty()) {
                    b.node(n.id(), "input '" + in.name() + "' (" + in.type() + ") is not connected");
                }
            }
            if (n.isBlock()) {
                if (n.body().stages().isEmpty()) {
                    b.node(n.id(), "the " + n.type() + " is empty: open it and add stages");
                }
                level(n.body(), b);
            }
        }
        for (CanvasEdge e : g.edges()) {
            edge(g, e).ifPresent(m -> b.edge(e.id(), m));
        }
    }

    /** Why an edge of {@code g} cannot carry what it connects, or empty. */
    static Optional<String> edge(CanvasGraph g, CanvasEdge e) {
        Optional<CanvasNode> from = g.node(e.from());
        Optional<CanvasNode> to = g.node(e.to());
        if (from.isEmpty() || to.isEmpty()) {
            return Optional.of("connects a stage that is gone");
        }
        Optional<Port> out = Ports.output(from.get(), g, e.fromPort());
        Optional<Port> in = Ports.input(to.get(), g, e.toPort());
        if (out.isEmpty()) {
            return Optional.of("'" + from.get().name() + "' has no output '" + e.fromPort() + "'");
        }
        if (in.isEmpty()) {
            return Optional.of("'" + to.get().name() + "' has no input '" + e.toPort() + "'");
        }
        DataType carried = out.get().type();
        if (e.contract().isPresent()) {
            DataType contract;
            try {
                contract = DataTypes.parse(e.contract().get());
            } catch (IllegalArgumentException x) {
                return Optional.of("contract: " + x.getMessage());
            }
            Optional<String> r = DataTypes.accept(contract, carried);
            if (r.isPresent()) {
                return Optional.of("'" + from.get().name() + "' gives " + carried + ", which the contract " + contract + " refuses: " + r.get());
            }
            carried = contract;
        }
        Optional<String> r = DataTypes.accept(in.get().type(), carried);
        return r.map(m -> "'" + to.get().name() + "." + in.get().name() + "' " + m);
    }

    /** The engine's verdict on the written document, mapped back by JSON path. */
    static void engine(CanvasDoc doc, Optional<Path> baseDir, CanvasProblems.Builder b) {
        Map<String, String> paths = new HashMap<>();
        ObjectNode json = CanvasIO.write(doc, paths);
        List<Map.Entry<String, String>> byPath = new ArrayList<>(paths.entrySet());
        byPath.sort(Comparator.comparingInt((Map.Entry<String, String> en) -> en.getValue().length()).reversed());
        String text;
        ExperimentSpec spec;
        try {
            text = Json.SPEC.writeValueAsString(json);
            spec = Specs.bind(text, doc.name(), ExperimentSpec.class);
        } catch (SpecException e) {
            place(e.path(), e.problem(), byPath, b);
            return;
        } catch (Exception e) {
            b.general(String.valueOf(e.getMessage()));
            return;
        }
        try {
            // every problem of the pipeline at once, each at its stage or edge
            PipelineExperiments.build(spec, baseDir);
        } catch (PipelineException e) {
            for (PipelineException.Problem p : e.problems()) {
                place(p.jsonPath(), p.message(), byPath, b);
            }
            return;
        } catch (SpecException e) {
            place(e.path(), e.problem(), byPath, b);
            return;
        } catch (RuntimeException e) {
            b.general(e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        try {
            Specs.parse(text, doc.name()); // the experiment's own settings, as orchard run checks them
        } catch (SpecException e) {
            place(e.path(), e.problem(), byPath, b);
        }
    }

    private static void place(String path, String message, List<Map.Entry<String, String>> byPath, CanvasProblems.Builder b) {
        for (var en : byPath) {
            String p = en.getValue();
            if (path.startsWith(p) && (path.length() == p.length() || path.charAt(p.length()) == '.' || path.charAt(p.length()) == '[')) {
                String rest = path.substring(p.length());
                rest = rest.startsWith(".") ? rest.substring(1) : rest;
                String text = rest.isEmpty() ? message : rest + ": " + message;
                if (en.getKey().startsWith("e")) {
                    b.edge(en.getKey(), text);
                } else {
                    b.node(en.getKey(), text);
                }
                return;
            }
        }
        b.general((path.isEmpty() ? "" : path + ": ") + message);
    }
}
