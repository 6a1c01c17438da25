package dev.orchard.app.canvas;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One level of a drawn pipeline: its nodes (the two terminals included) and edges. Immutable: every edit makes a new
 * graph, which is what makes undo/redo a matter of keeping the old one.
 */
public record CanvasGraph(List<CanvasNode> nodes, List<CanvasEdge> edges) {
    public static final CanvasGraph EMPTY = new CanvasGraph(List.of(), List.of());

    public CanvasGraph {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    public Optional<CanvasNode> node(String id) {
        for (CanvasNode n : nodes) {
            if (n.id().equals(id)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    public Optional<CanvasEdge> edge(String id) {
        return edges.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    public Optional<CanvasNode> named(String name) {
        return nodes.stream().filter(n -> !n.isTerminal() && n.name().equals(name)).findFirst();
    }

    /** The stages, loops and groups (not the terminals). */
    public List<CanvasNode> stages() {
        return nodes.stream().filter(n -> !n.isTerminal()).toList();
    }

    public CanvasGraph withNode(CanvasNode n) {
        var out = new ArrayList<CanvasNode>(nodes.size() + 1);
        boolean replaced = false;
        for (CanvasNode m : nodes) {
            if (m.id().equals(n.id())) {
                out.add(n);
                replaced = true;
            } else {
                out.add(m);
            }
        }
        if (!replaced) {
            out.add(n);
        }
        return new CanvasGraph(out, edges);
    }

    public CanvasGraph mapNodes(Set<String> ids, UnaryOperator<CanvasNode> f) {
        return new CanvasGraph(nodes.stream().map(n -> ids.contains(n.id()) ? f.apply(n) : n).toList(), edges);
    }

    public CanvasGraph withEdge(CanvasEdge e) {
        var out = new ArrayList<CanvasEdge>(edges.size() + 1);
        boolean replaced = false;
        for (CanvasEdge f : edges) {
            if (f.id().equals(e.id())) {
                out.add(e);
                replaced = true;
            } else {
                out.add(f);
            }
        }
        if (!replaced) {
            out.add(e);
        }
        return new CanvasGraph(nodes, out);
    }

    /** Without these nodes (terminals stay) and the edges touching them, and without these edges. */
    public CanvasGraph without(Collection<String> nodeIds, Collection<String> edgeIds) {
        Set<String> gone = Set.copyOf(nodeIds);
        Set<String> goneEdges = Set.copyOf(edgeIds);
        return new CanvasGraph(nodes.stream().filter(n -> n.isTerminal() || !gone.contains(n.id())).toList(),
                edges.stream().filter(e -> !goneEdges.contains(e.id()) && !gone.contains(e.from()) && !gone.contains(e.to())).toList());
    }

    public List<CanvasEdge> into(String nodeId, String port) {
        return edges.stream().filter(e -> e.to().equals(nodeId) && e.toPort().equals(port)).toList();
    }

    /** Whether {@code to} can be reached from {@code from} along edges. */
    public boolean reaches(String from, String to) {
        var seen = new java.util.HashSet<String>();
        var stack = new java.util.ArrayDeque<String>();
        stack.push(from);
        while (!stack.isEmpty()) {
            String n = stack.pop();
            if (n.equals(to)) {
                return true;
            }
            if (seen.add(n)) {
                for (CanvasEdge e : edges) {
                    if (e.from().equals(n)) {
                        stack.push(e.to());
                    }
                }
            }
        }
        return false;
    }

    /** The path of a node at any depth, through the groups and loops around it ("group/inner"). */
    public Optional<String> pathOf(String id) {
        for (CanvasNode n : nodes) {
            if (n.id().equals(id)) {
                return Optional.of(n.name());
            }
            Optional<String> inner = n.body().pathOf(id);
            if (inner.isPresent()) {
                return Optional.of(n.name() + "/" + inner.get());
            }
        }
        return Optional.empty();
    }

    /** The stages, loops and groups at every depth (terminals are not stages). */
    public int stageCount() {
        int n = 0;
        for (CanvasNode c : nodes) {
            n += (c.isTerminal() ? 0 : 1) + c.body().stageCount();
        }
        return n;
    }
}
