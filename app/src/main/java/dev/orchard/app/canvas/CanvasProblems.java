package dev.orchard.app.canvas;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What is wrong with a drawing, where: messages by node id and by edge id (any depth), and those that belong to the
 * whole experiment. A message about a setting starts with its path below the stage ({@code "config.budget: ..."}), so
 * the inspector can mark the field.
 */
public record CanvasProblems(Map<String, List<String>> byNode, Map<String, List<String>> byEdge, List<String> general) {
    public static final CanvasProblems NONE = new CanvasProblems(Map.of(), Map.of(), List.of());

    public CanvasProblems {
        byNode = freeze(byNode);
        byEdge = freeze(byEdge);
        general = List.copyOf(general);
    }

    private static Map<String, List<String>> freeze(Map<String, List<String>> m) {
        var out = new LinkedHashMap<String, List<String>>();
        m.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return java.util.Collections.unmodifiableMap(out);
    }

    public List<String> node(String id) {
        return byNode.getOrDefault(id, List.of());
    }

    public List<String> edge(String id) {
        return byEdge.getOrDefault(id, List.of());
    }

    public boolean isEmpty() {
        return byNode.isEmpty() && byEdge.isEmpty() && general.isEmpty();
    }

    public int count() {
        return byNode.values().stream().mapToInt(List::size).sum() + byEdge.values().stream().mapToInt(List::size).sum() + general.size();
    }

    /** Every message, each with where it is (for the problems list and the run refusal). */
    public List<String> all(java.util.function.Function<String, String> nodeName) {
        var out = new ArrayList<String>(general);
        byNode.forEach((id, ms) -> ms.forEach(m -> out.add("stage '" + nodeName.apply(id) + "': " + m)));
        byEdge.forEach((id, ms) -> ms.forEach(m -> out.add("connection: " + m)));
        return out;
    }

    /** Mutable collector. */
    static final class Builder {
        private final Map<String, List<String>> nodes = new LinkedHashMap<>();
        private final Map<String, List<String>> edges = new LinkedHashMap<>();
        private final List<String> general = new ArrayList<>();

        void node(String id, String message) {
            List<String> l = nodes.computeIfAbsent(id, k -> new ArrayList<>());
            if (!l.contains(message)) {
                l.add(message);
            }
        }

        void edge(String id, String message) {
            List<String> l = edges.computeIfAbsent(id, k -> new ArrayList<>());
            if (!l.contains(message)) {
                l.add(message);
            }
        }

        void general(String message) {
            if (!general.contains(message)) {
                general.add(message);
            }
        }

        CanvasProblems build() {
            return new CanvasProblems(nodes, edges, general);
        }
    }
}
