package dev.orchard.app.canvas;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lays out a level that came without positions (a hand-written JSON): layers by longest path from the inputs (edges
 * that close a cycle are ignored, so a cyclic file still lays out), nodes in a layer ordered by the mean position of
 * their predecessors, the Input terminal first and the Output last.
 */
public final class AutoLayout {
    public static final double LAYER_GAP = 340;
    public static final double ROW_GAP = 130;

    private AutoLayout() {
    }

    public static CanvasGraph layout(CanvasGraph g) {
        List<CanvasNode> nodes = g.nodes();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            index.put(nodes.get(i).id(), i);
        }
        int n = nodes.size();
        List<List<Integer>> succ = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            succ.add(new ArrayList<>());
        }
        for (CanvasEdge e : g.edges()) {
            Integer a = index.get(e.from());
            Integer b = index.get(e.to());
            if (a != null && b != null && !a.equals(b)) {
                succ.get(a).add(b);
            }
        }
        // depth-first order, dropping back edges: what is left is acyclic
        int[] state = new int[n];
        List<Integer> post = new ArrayList<>();
        List<List<Integer>> dag = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            dag.add(new ArrayList<>());
        }
        for (int s = 0; s < n; s++) {
            if (state[s] != 0) {
                continue;
            }
            var stack = new java.util.ArrayDeque<int[]>();
            stack.push(new int[]{s, 0});
            state[s] = 1;
            while (!stack.isEmpty()) {
                int[] top = stack.peek();
                if (top[1] < succ.get(top[0]).size()) {
                    int t = succ.get(top[0]).get(top[1]++);
                    if (state[t] == 0) {
                        dag.get(top[0]).add(t);
                        state[t] = 1;
                        stack.push(new int[]{t, 0});
                    } else if (state[t] == 2) {
                        dag.get(top[0]).add(t); // a cross or forward edge: still acyclic
                    }
                } else {
                    state[top[0]] = 2;
                    post.add(top[0]);
                    stack.pop();
                }
            }
        }
        int[] layer = new int[n];
        for (int k = post.size() - 1; k >= 0; k--) { // reverse post-order is a topological order
            int a = post.get(k);
            for (int b : dag.get(a)) {
                layer[b] = Math.max(layer[b], layer[a] + 1);
            }
        }
        int maxLayer = 0;
        for (int i = 0; i < n; i++) {
            if (nodes.get(i).id().equals(CanvasNode.INPUT)) {
                layer[i] = 0;
            }
            maxLayer = Math.max(maxLayer, layer[i]);
        }
        for (int i = 0; i < n; i++) {
            if (nodes.get(i).id().equals(CanvasNode.OUTPUT)) {
                layer[i] = maxLayer + 1;
            } else if (!nodes.get(i).id().equals(CanvasNode.INPUT)) {
                layer[i] += 1; // column 0 belongs to the Input terminal
            }
        }
        Map<Integer, List<Integer>> byLayer = new java.util.TreeMap<>();
        for (int i = 0; i < n; i++) {
            byLayer.computeIfAbsent(layer[i], k -> new ArrayList<>()).add(i);
        }
        double[] row = new double[n];
        List<List<Integer>> pred = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pred.add(new ArrayList<>());
        }
        for (int a = 0; a < n; a++) {
            for (int b : succ.get(a)) {
                pred.get(b).add(a);
            }
        }
        var out = new ArrayList<>(nodes);
        for (var en : byLayer.entrySet()) {
            List<Integer> members = en.getValue();
            Map<Integer, Double> key = new HashMap<>();
            for (int m : members) {
                double sum = 0;
                int count = 0;
                for (int p : pred.get(m)) {
                    if (layer[p] < en.getKey()) {
                        sum += row[p];
                        count++;
                    }
                }
                key.put(m, count == 0 ? m : sum / count);
            }
            members.sort(Comparator.comparingDouble(key::get));
            double top = -(members.size() - 1) * ROW_GAP / 2;
            for (int k = 0; k < members.size(); k++) {
                int m = members.get(k);
                row[m] = top + k * ROW_GAP;
                CanvasNode node = nodes.get(m);
                out.set(m, node.at(en.getKey() * LAYER_GAP, row[m]));
            }
        }
        return new CanvasGraph(out, g.edges());
    }
}
