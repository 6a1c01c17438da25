package dev.orchard.engine.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nodes and the edges between them; acyclic (loops are blocks, not back edges). {@link #order()} is a topological
 * order that keeps the declared order where the edges allow it, so a run is deterministic.
 */
public record Graph(List<Node> nodes, List<Edge> edges) {
    public static final String INPUT = "@in";
    public static final String OUTPUT = "@out";

    public Graph {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    public Map<String, Node> byName() {
        var m = new LinkedHashMap<String, Node>();
        nodes.forEach(n -> m.putIfAbsent(n.name(), n));
        return m;
    }

    public List<Edge> into(String node) {
        return edges.stream().filter(e -> e.to().equals(node)).toList();
    }

    public List<Edge> outOf(String node) {
        return edges.stream().filter(e -> e.from().equals(node)).toList();
    }

    /** Topological order (Kahn, smallest declared index first); the nodes on a cycle are left out. */
    public List<Node> order() {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            index.putIfAbsent(nodes.get(i).name(), i);
        }
        Map<String, Integer> indegree = new HashMap<>();
        nodes.forEach(n -> indegree.put(n.name(), 0));
        for (Edge e : edges) {
            if (indegree.containsKey(e.to()) && indegree.containsKey(e.from())) {
                indegree.merge(e.to(), 1, Integer::sum);
            }
        }
        var ready = new java.util.PriorityQueue<String>(java.util.Comparator.comparingInt(index::get));
        indegree.forEach((n, d) -> {
            if (d == 0) {
                ready.add(n);
            }
        });
        var out = new ArrayList<Node>();
        var byName = byName();
        while (!ready.isEmpty()) {
            String n = ready.poll();
            out.add(byName.get(n));
            for (Edge e : outOf(n)) {
                if (indegree.containsKey(e.to()) && indegree.merge(e.to(), -1, Integer::sum) == 0) {
                    ready.add(e.to());
                }
            }
        }
        return out;
    }
}
