package dev.orchard.app.canvas;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.pipeline.PipelineSpec;
import dev.orchard.engine.pipeline.Port;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The canvas's model and every edit on it, in plain Java (tested without a window): the document, which level is
 * open (a path through groups and loops), the selection, the clipboard, and undo / redo. Documents are immutable, so
 * each edit records the document before it; a gesture (dragging nodes) or a run of edits of one setting is one step.
 * Edits that cannot be made return the reason instead.
 */
public final class CanvasEditor {
    private static final int HISTORY = 500;
    private static final double PASTE_OFFSET = 40;

    private record Step(String label, CanvasDoc doc, List<String> path, String coalesce) {
    }

    private CanvasDoc doc;
    private final List<String> path = new ArrayList<>();
    private final Set<String> selectedNodes = new LinkedHashSet<>();
    private final Set<String> selectedEdges = new LinkedHashSet<>();
    private final Deque<Step> undo = new ArrayDeque<>();
    private final Deque<Step> redo = new ArrayDeque<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private CanvasGraph clipboard = CanvasGraph.EMPTY;
    private int pastes;
    private Step gesture;
    private long version;
    private long changes;
    private long structure;
    private long savedAt;

    public CanvasEditor(CanvasDoc doc) {
        this.doc = doc;
    }

    public void addListener(Runnable l) {
        listeners.add(l);
    }

    private void fire() {
        version++;
        listeners.forEach(Runnable::run);
    }

    /** Replaces the document (a file opened, a new pipeline): history, selection and open level start afresh. */
    public void load(CanvasDoc d) {
        doc = d;
        path.clear();
        selectedNodes.clear();
        selectedEdges.clear();
        undo.clear();
        redo.clear();
        gesture = null;
        changes = 0;
        savedAt = 0;
        structure++;
        fire();
    }

    public CanvasDoc doc() {
        return doc;
    }

    /** Increases with every change (edits, selection, level). */
    public long version() {
        return version;
    }

    /** Increases with every change that is not only a move (what the checks look at). */
    public long structureVersion() {
        return structure;
    }

    /** Whether the document changed since it was loaded or saved. */
    public boolean dirty() {
        return changes != savedAt;
    }

    public void markSaved() {
        savedAt = changes;
        fire();
    }

    // ---- levels ----

    /** The level on display. */
    public CanvasGraph level() {
        CanvasGraph g = doc.graph();
        for (String id : path) {
            g = g.node(id).map(CanvasNode::body).orElse(CanvasGraph.EMPTY);
        }
        return g;
    }

    /** The open groups and loops, outermost first (empty at the top level). */
    public List<CanvasNode> openBlocks() {
        var out = new ArrayList<CanvasNode>();
        CanvasGraph g = doc.graph();
        for (String id : path) {
            Optional<CanvasNode> n = g.node(id);
            if (n.isEmpty()) {
                break;
            }
            out.add(n.get());
            g = n.get().body();
        }
        return out;
    }

    /** Opens a loop or group of the current level. */
    public boolean open(String nodeId) {
        Optional<CanvasNode> n = level().node(nodeId);
        if (n.isEmpty() || !n.get().isBlock()) {
            return false;
        }
        path.add(nodeId);
        clearSelectionQuietly();
        fire();
        return true;
    }

    /** Back to the level around the open one. */
    public boolean up() {
        if (path.isEmpty()) {
            return false;
        }
        String left = path.remove(path.size() - 1);
        clearSelectionQuietly();
        selectedNodes.add(left);
        fire();
        return true;
    }

    /** Back to the level {@code depth} (0: the top). */
    public void upTo(int depth) {
        while (path.size() > depth) {
            path.remove(path.size() - 1);
        }
        clearSelectionQuietly();
        fire();
    }

    private CanvasDoc withLevel(CanvasGraph g) {
        return doc.withGraph(replace(doc.graph(), 0, g));
    }

    private CanvasGraph replace(CanvasGraph at, int depth, CanvasGraph g) {
        if (depth == path.size()) {
            return g;
        }
        CanvasNode block = at.node(path.get(depth)).orElseThrow();
        return at.withNode(block.withBody(replace(block.body(), depth + 1, g)));
    }

    // ---- history ----

    private void edit(String label, String coalesce, UnaryOperator<CanvasGraph> f) {
        CanvasGraph before = level();
        CanvasGraph after = f.apply(before);
        if (after == before) {
            return;
        }
        record(label, coalesce);
        doc = withLevel(after);
        changes++;
        if (!label.equals("move")) {
            structure++;
        }
        fire();
    }

    private void record(String label, String coalesce) {
        if (gesture != null) {
            return; // one step for the whole gesture, recorded at its start
        }
        Step top = undo.peek();
        boolean merge = coalesce != null && top != null && coalesce.equals(top.coalesce()) && redo.isEmpty();
        if (!merge) {
            undo.push(new Step(label, doc, List.copyOf(path), coalesce));
            while (undo.size() > HISTORY) {
                undo.removeLast();
            }
        }
        redo.clear();
    }

    /** Starts a gesture (a drag): the edits until {@link #endGesture} are one undo step. */
    public void beginGesture(String label) {
        if (gesture == null) {
            gesture = new Step(label, doc, List.copyOf(path), null);
        }
    }

    public void endGesture() {
        Step g = gesture;
        gesture = null;
        if (g != null && g.doc() != doc) {
            undo.push(g);
            redo.clear();
            changes++;
            if (!g.label().equals("move")) {
                structure++;
            }
            fire();
        }
    }

    public boolean canUndo() {
        return !undo.isEmpty() && gesture == null;
    }

    public boolean canRedo() {
        return !redo.isEmpty() && gesture == null;
    }

    public boolean undo() {
        if (!canUndo()) {
            return false;
        }
        Step s = undo.pop();
        redo.push(new Step(s.label(), doc, List.copyOf(path), null));
        restore(s);
        return true;
    }

    public boolean redo() {
        if (!canRedo()) {
            return false;
        }
        Step s = redo.pop();
        undo.push(new Step(s.label(), doc, List.copyOf(path), null));
        restore(s);
        return true;
    }

    private void restore(Step s) {
        doc = s.doc();
        changes++;
        structure++;
        path.clear();
        path.addAll(s.path());
        CanvasGraph g = level();
        selectedNodes.removeIf(id -> g.node(id).isEmpty());
        selectedEdges.removeIf(id -> g.edge(id).isEmpty());
        fire();
    }

    // ---- selection ----

    public Set<String> selectedNodes() {
        return Set.copyOf(selectedNodes);
    }

    public Set<String> selectedEdges() {
        return Set.copyOf(selectedEdges);
    }

    /** The single node selected, if exactly one is (and no edge). */
    public Optional<CanvasNode> selectedNode() {
        return selectedNodes.size() == 1 && selectedEdges.isEmpty() ? level().node(selectedNodes.iterator().next()) : Optional.empty();
    }

    public Optional<CanvasEdge> selectedEdge() {
        return selectedEdges.size() == 1 && selectedNodes.isEmpty() ? level().edge(selectedEdges.iterator().next()) : Optional.empty();
    }

    public void select(Set<String> nodes, Set<String> edges) {
        clearSelectionQuietly();
        selectedNodes.addAll(nodes);
        selectedEdges.addAll(edges);
        fire();
    }

    /** Adds or removes one node (Shift/Ctrl+click). */
    public void toggle(String nodeId) {
        if (!selectedNodes.remove(nodeId)) {
            selectedNodes.add(nodeId);
        }
        fire();
    }

    public void selectAll() {
        CanvasGraph g = level();
        select(g.stages().stream().map(CanvasNode::id).collect(java.util.stream.Collectors.toSet()),
                g.edges().stream().map(CanvasEdge::id).collect(java.util.stream.Collectors.toSet()));
    }

    public void clearSelection() {
        clearSelectionQuietly();
        fire();
    }

    private void clearSelectionQuietly() {
        selectedNodes.clear();
        selectedEdges.clear();
    }

    // ---- edits ----

    /** Adds a stage from the palette at (x, y) on the open level, selects it and returns its id. */
    public String add(PaletteEntry entry, double x, double y) {
        if (entry.isHook()) {
            throw new IllegalArgumentException(entry.label() + " is a hook: drop it onto a connection");
        }
        CanvasGraph g = level();
        CanvasNode n = new CanvasNode(Ids.node(), uniqueName(g, entry.baseName()), entry.type(), entry.config(), x, y,
                entry.type().equals("group") || entry.type().equals("loop") ? fresh(entry.body().nodes().isEmpty()
                        ? CanvasIO.terminalsOnly() : entry.body()) : CanvasGraph.EMPTY, Optional.empty());
        edit("add " + n.name(), null, lv -> lv.withNode(n));
        clearSelectionQuietly();
        selectedNodes.add(n.id());
        fire();
        return n.id();
    }

    /** Why the connection cannot be made, or empty if it can (asked while the user drags a connection). */
    public Optional<String> canConnect(String fromId, String fromPort, String toId, String toPort) {
        CanvasGraph g = level();
        Optional<CanvasNode> from = g.node(fromId);
        Optional<CanvasNode> to = g.node(toId);
        if (from.isEmpty() || to.isEmpty()) {
            return Optional.of("no such stage");
        }
        if (fromId.equals(toId)) {
            return Optional.of("a stage cannot feed itself; use a loop to repeat stages");
        }
        if (Ports.output(from.get(), g, fromPort).isEmpty()) {
            return Optional.of("'" + from.get().name() + "' has no output '" + fromPort + "'");
        }
        Optional<Port> in = Ports.input(to.get(), g, toPort);
        if (in.isEmpty()) {
            return Optional.of("'" + to.get().name() + "' has no input '" + toPort + "'");
        }
        List<CanvasEdge> existing = g.into(toId, toPort);
        if (!existing.isEmpty()) {
            String src = g.node(existing.get(0).from()).map(CanvasNode::name).orElse("?");
            return Optional.of("input '" + toPort + "' of '" + to.get().name() + "' is already fed by '" + src
                    + "'; delete that connection first");
        }
        if (g.reaches(toId, fromId)) {
            return Optional.of("this would close a cycle (" + to.get().name() + " already leads to " + from.get().name()
                    + "); use a loop to repeat stages");
        }
        return CanvasValidator.edge(g, CanvasEdge.of("?", fromId, fromPort, toId, toPort));
    }

    /** Connects an output to an input; returns the reason when it cannot. */
    public Optional<String> connect(String fromId, String fromPort, String toId, String toPort) {
        Optional<String> refusal = canConnect(fromId, fromPort, toId, toPort);
        if (refusal.isPresent()) {
            return refusal;
        }
        CanvasEdge e = CanvasEdge.of(Ids.edge(), fromId, fromPort, toId, toPort);
        edit("connect", null, g -> g.withEdge(e));
        return Optional.empty();
    }

    /** Moves the selected nodes (inside a gesture, the whole drag is one undo step). */
    public void moveSelected(double dx, double dy) {
        if (selectedNodes.isEmpty() || dx == 0 && dy == 0) {
            return;
        }
        Set<String> ids = Set.copyOf(selectedNodes);
        edit("move", null, g -> g.mapNodes(ids, n -> n.at(n.x() + dx, n.y() + dy)));
    }

    public void deleteSelected() {
        CanvasGraph g = level();
        Set<String> nodes = new LinkedHashSet<>(selectedNodes);
        nodes.removeIf(id -> g.node(id).map(CanvasNode::isTerminal).orElse(true));
        Set<String> edges = Set.copyOf(selectedEdges);
        if (nodes.isEmpty() && edges.isEmpty()) {
            return;
        }
        edit("delete", null, lv -> lv.without(nodes, edges));
        clearSelectionQuietly();
        fire();
    }

    public boolean copy() {
        CanvasGraph g = level();
        Set<String> ids = new LinkedHashSet<>(selectedNodes);
        ids.removeIf(id -> g.node(id).map(CanvasNode::isTerminal).orElse(true));
        if (ids.isEmpty()) {
            return false;
        }
        clipboard = new CanvasGraph(g.nodes().stream().filter(n -> ids.contains(n.id())).toList(),
                g.edges().stream().filter(e -> ids.contains(e.from()) && ids.contains(e.to())).toList());
        pastes = 0;
        fire(); // Paste becomes possible
        return true;
    }

    public boolean cut() {
        if (!copy()) {
            return false;
        }
        deleteSelected();
        return true;
    }

    public boolean canPaste() {
        return !clipboard.nodes().isEmpty();
    }

    /** Pastes the clipboard on the open level, offset from the copied place, with fresh names, and selects it. */
    public void paste() {
        if (clipboard.nodes().isEmpty()) {
            return;
        }
        pastes++;
        CanvasGraph level = level();
        Map<String, String> ids = new HashMap<>();
        var names = new java.util.HashSet<String>();
        level.stages().forEach(n -> names.add(n.name()));
        var nodes = new ArrayList<CanvasNode>();
        for (CanvasNode n : clipboard.nodes()) {
            String id = Ids.node();
            ids.put(n.id(), id);
            String name = unique(names, n.name());
            names.add(name);
            nodes.add(new CanvasNode(id, name, n.type(), n.config(), n.x() + PASTE_OFFSET * pastes, n.y() + PASTE_OFFSET * pastes,
                    fresh(n.body()), n.unread()));
        }
        var edges = clipboard.edges().stream().map(e -> e.withEnds(Ids.edge(), ids.get(e.from()), ids.get(e.to()))).toList();
        edit("paste", null, g -> {
            var all = new ArrayList<>(g.nodes());
            all.addAll(nodes);
            var es = new ArrayList<>(g.edges());
            es.addAll(edges);
            return new CanvasGraph(all, es);
        });
        select(Set.copyOf(ids.values()), Set.of());
    }

    /**
     * Puts the selected stages into a new group (a sub-experiment) at their place. Connections into the selection
     * become the group's input, those out of it its output; a group has one of each, so the selection may be fed by
     * one output at most and give one output at most.
     */
    public Optional<String> groupSelected() {
        CanvasGraph g = level();
        Set<String> ids = new LinkedHashSet<>(selectedNodes);
        ids.removeIf(id -> g.node(id).map(CanvasNode::isTerminal).orElse(true));
        if (ids.isEmpty()) {
            return Optional.of("select the stages to group first");
        }
        List<CanvasEdge> inside = new ArrayList<>();
        List<CanvasEdge> entering = new ArrayList<>();
        List<CanvasEdge> leaving = new ArrayList<>();
        for (CanvasEdge e : g.edges()) {
            boolean a = ids.contains(e.from());
            boolean b = ids.contains(e.to());
            if (a && b) {
                inside.add(e);
            } else if (b) {
                entering.add(e);
            } else if (a) {
                leaving.add(e);
            }
        }
        if (entering.stream().map(e -> e.from() + "." + e.fromPort()).distinct().count() > 1) {
            return Optional.of("a group has one input, but the selected stages are fed by "
                    + entering.stream().map(e -> g.node(e.from()).map(CanvasNode::name).orElse("?")).distinct().toList()
                    + "; group fewer stages");
        }
        if (leaving.stream().map(e -> e.from() + "." + e.fromPort()).distinct().count() > 1) {
            return Optional.of("a group has one output, but several selected stages feed stages outside it; group fewer stages");
        }
        List<CanvasNode> members = g.nodes().stream().filter(n -> ids.contains(n.id())).toList();
        double cx = members.stream().mapToDouble(CanvasNode::x).average().orElse(0);
        double cy = members.stream().mapToDouble(CanvasNode::y).average().orElse(0);
        var bodyNodes = new ArrayList<CanvasNode>();
        bodyNodes.add(CanvasNode.terminal(CanvasNode.INPUT, 0, 0));
        bodyNodes.addAll(members);
        bodyNodes.add(CanvasNode.terminal(CanvasNode.OUTPUT, 0, 0));
        var bodyEdges = new ArrayList<>(inside);
        for (CanvasEdge e : entering) {
            bodyEdges.add(new CanvasEdge(Ids.edge(), CanvasNode.INPUT, Port.OUT, e.to(), e.toPort(), e.contract(), e.hooks()));
        }
        if (!leaving.isEmpty()) {
            CanvasEdge l = leaving.get(0);
            bodyEdges.add(new CanvasEdge(Ids.edge(), l.from(), l.fromPort(), CanvasNode.OUTPUT, Port.IN, Optional.empty(), Optional.empty()));
        } else {
            // nothing leaves yet: the group gives what its one open end gives, if it has exactly one
            List<String[]> ends = new ArrayList<>();
            for (CanvasNode m : members) {
                for (Port p : Ports.outputs(m, g)) {
                    if (inside.stream().noneMatch(e -> e.from().equals(m.id()) && e.fromPort().equals(p.name()))) {
                        ends.add(new String[]{m.id(), p.name()});
                    }
                }
            }
            if (ends.size() == 1) {
                bodyEdges.add(CanvasEdge.of(Ids.edge(), ends.get(0)[0], ends.get(0)[1], CanvasNode.OUTPUT, Port.IN));
            }
        }
        CanvasGraph body = CanvasIO.placeTerminals(new CanvasGraph(bodyNodes, bodyEdges));
        CanvasNode group = new CanvasNode(Ids.node(), uniqueName(g, "group"), "group", Map.of(), cx, cy, body, Optional.empty());
        var outer = new ArrayList<CanvasEdge>();
        for (CanvasEdge e : g.edges()) {
            if (!inside.contains(e) && !entering.contains(e) && !leaving.contains(e)) {
                outer.add(e);
            }
        }
        if (!entering.isEmpty()) {
            CanvasEdge e = entering.get(0);
            outer.add(new CanvasEdge(Ids.edge(), e.from(), e.fromPort(), group.id(), Port.IN, Optional.empty(), Optional.empty()));
        }
        for (CanvasEdge e : leaving) {
            outer.add(new CanvasEdge(Ids.edge(), group.id(), Port.OUT, e.to(), e.toPort(), e.contract(), e.hooks()));
        }
        var nodes = new ArrayList<CanvasNode>();
        for (CanvasNode n : g.nodes()) {
            if (!ids.contains(n.id())) {
                nodes.add(n);
            }
        }
        nodes.add(group);
        edit("group", null, lv -> new CanvasGraph(nodes, outer));
        select(Set.of(group.id()), Set.of());
        return Optional.empty();
    }

    /** Renames a stage; names are words (letters, digits, _ and -) and unique on their level. */
    public Optional<String> rename(String nodeId, String name) {
        CanvasGraph g = level();
        Optional<CanvasNode> n = g.node(nodeId);
        if (n.isEmpty() || n.get().isTerminal()) {
            return Optional.of("no stage to rename");
        }
        String s = name == null ? "" : name.trim();
        if (!s.matches("[A-Za-z0-9_][A-Za-z0-9_-]{0,99}")) {
            return Optional.of("a name is 1–100 letters, digits, _ or - (it names the stage in edges and in the history)");
        }
        if (s.equals(n.get().name())) {
            return Optional.empty();
        }
        if (g.named(s).isPresent()) {
            return Optional.of("another stage here is named '" + s + "'");
        }
        edit("rename", "rename:" + nodeId, lv -> lv.withNode(n.get().withName(s)));
        return Optional.empty();
    }

    /** Sets one setting of a stage ({@code null} removes it: the default applies). Edits of one setting merge into one step. */
    public void setConfig(String nodeId, String key, Object value) {
        Optional<CanvasNode> n = level().node(nodeId);
        if (n.isEmpty() || n.get().isTerminal() || n.get().unread().isPresent()) {
            return;
        }
        Map<String, Object> c = new LinkedHashMap<>(n.get().config());
        if (value == null) {
            if (c.remove(key) == null) {
                return;
            }
        } else {
            if (value.equals(c.get(key))) {
                return;
            }
            c.put(key, value);
        }
        edit("edit " + key, "config:" + nodeId + ":" + key, lv -> lv.withNode(n.get().withConfig(c)));
    }

    /** Sets a connection's contract and hooks. */
    public void setEdge(String edgeId, Optional<String> contract, Optional<PipelineSpec.HooksSpec> hooks, String what) {
        Optional<CanvasEdge> e = level().edge(edgeId);
        if (e.isEmpty()) {
            return;
        }
        CanvasEdge changed = e.get().withContract(contract).withHooks(hooks);
        if (changed.equals(e.get())) {
            return;
        }
        edit("edit " + what, "edge:" + edgeId + ":" + what, lv -> lv.withEdge(changed));
    }

    /** Drops a hook from the palette onto a connection. */
    public Optional<String> applyHook(String edgeId, String hook) {
        Optional<CanvasEdge> e = level().edge(edgeId);
        if (e.isEmpty()) {
            return Optional.of("drop hooks onto a connection");
        }
        PipelineSpec.HooksSpec h = e.get().hooks().orElse(Hooks.NONE);
        PipelineSpec.HooksSpec changed = switch (hook) {
            case "checkpoint" -> Hooks.with(h, "checkpoint", true);
            case "cache" -> Hooks.with(h, "cache", true);
            case "profile" -> Hooks.with(h, "profile", true);
            case "retry" -> Hooks.with(h, "retry", 2);
            case "timeout" -> Hooks.with(h, "timeout_seconds", 3600.0);
            case "skip_on_error" -> Hooks.with(h, "on_error", "skip");
            default -> null;
        };
        if (changed == null) {
            return Optional.of("unknown hook '" + hook + "'");
        }
        setEdge(edgeId, e.get().contract(), Optional.of(changed), "hook " + hook);
        select(Set.of(), Set.of(edgeId));
        return Optional.empty();
    }

    /** Replaces the experiment's own settings (name, defaults of the sweeps). */
    public void setExperiment(ObjectNode experiment) {
        if (experiment.equals(doc.experiment())) {
            return;
        }
        record("edit experiment", "experiment");
        doc = doc.withExperiment(experiment.deepCopy());
        changes++;
        structure++;
        fire();
    }

    // ---- helpers ----

    static String uniqueName(CanvasGraph g, String base) {
        var names = new java.util.HashSet<String>();
        g.stages().forEach(n -> names.add(n.name()));
        return unique(names, base);
    }

    private static String unique(Set<String> names, String base) {
        String b = base.replaceAll("[^A-Za-z0-9_-]", "_");
        b = b.replaceAll("_\\d+$", "");
        if (b.isEmpty()) {
            b = "stage";
        }
        if (!names.contains(b)) {
            return b;
        }
        for (int i = 2; ; i++) {
            if (!names.contains(b + "_" + i)) {
                return b + "_" + i;
            }
        }
    }

    /** A copy of a body with fresh ids (terminals keep theirs), at every depth. */
    static CanvasGraph fresh(CanvasGraph body) {
        Map<String, String> ids = new HashMap<>();
        var nodes = new ArrayList<CanvasNode>();
        for (CanvasNode n : body.nodes()) {
            String id = n.isTerminal() ? n.id() : Ids.node();
            ids.put(n.id(), id);
            nodes.add(n.withId(id).withBody(fresh(n.body())));
        }
        var edges = body.edges().stream().map(e -> e.withEnds(Ids.edge(), ids.getOrDefault(e.from(), e.from()),
                ids.getOrDefault(e.to(), e.to()))).toList();
        return new CanvasGraph(nodes, edges);
    }
}
