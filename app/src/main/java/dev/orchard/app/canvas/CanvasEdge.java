package dev.orchard.app.canvas;

import dev.orchard.engine.pipeline.PipelineSpec;

import java.util.Optional;

/**
 * A {@code through}: from an output port of one node to an input port of another (node ids, terminals included), with
 * an optional contract (a type the data must satisfy, "SweepResult") and the hooks that run on it.
 */
public record CanvasEdge(String id, String from, String fromPort, String to, String toPort, Optional<String> contract,
                         Optional<PipelineSpec.HooksSpec> hooks) {
    public CanvasEdge {
        contract = contract == null ? Optional.empty() : contract.filter(c -> !c.isBlank());
        hooks = hooks == null ? Optional.empty() : hooks;
    }

    public static CanvasEdge of(String id, String from, String fromPort, String to, String toPort) {
        return new CanvasEdge(id, from, fromPort, to, toPort, Optional.empty(), Optional.empty());
    }

    public CanvasEdge withContract(Optional<String> c) {
        return new CanvasEdge(id, from, fromPort, to, toPort, c, hooks);
    }

    public CanvasEdge withHooks(Optional<PipelineSpec.HooksSpec> h) {
        return new CanvasEdge(id, from, fromPort, to, toPort, contract, h);
    }

    public CanvasEdge withEnds(String newId, String newFrom, String newTo) {
        return new CanvasEdge(newId, newFrom, fromPort, newTo, toPort, contract, hooks);
    }

    public boolean touches(String nodeId) {
        return from.equals(nodeId) || to.equals(nodeId);
    }
}
