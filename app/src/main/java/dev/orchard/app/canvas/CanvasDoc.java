package dev.orchard.app.canvas;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A pipeline experiment as the canvas holds it: the experiment's other settings ({@code experiment}: name, space,
 * objective, budget… which are the defaults of its sweep stages; kept as JSON, never reinterpreted), the drawn graph,
 * what the reader could not take in ({@code notes}, each with its JSON path), and whether the file had more stages than
 * the canvas shows ({@code truncated}: such a document is never saved over its file).
 */
public record CanvasDoc(ObjectNode experiment, CanvasGraph graph, List<String> notes, boolean truncated) {
    public CanvasDoc {
        notes = List.copyOf(notes);
    }

    public CanvasDoc withGraph(CanvasGraph g) {
        return new CanvasDoc(experiment, g, notes, truncated);
    }

    public CanvasDoc withExperiment(ObjectNode e) {
        return new CanvasDoc(e, graph, notes, truncated);
    }

    public String name() {
        return experiment.path("name").asText("pipeline");
    }
}
