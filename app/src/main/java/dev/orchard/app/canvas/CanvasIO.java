package dev.orchard.app.canvas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.pipeline.PipelineSpec;
import dev.orchard.engine.pipeline.Port;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads an experiment JSON into a {@link CanvasDoc} and writes one back as the JSON {@code orchard run} accepts.
 *
 * <p>Reading is forgiving, for hand-written and hostile files alike: whatever can be understood is drawn; a stage that
 * cannot be (not an object, no name or type, a wrong key) is kept as written and marked; an edge between stages that do
 * not exist is left out with a note. A chain (no {@code edges}) becomes explicit edges by the engine's rule, each
 * stage's {@code through} on the edge after it. Levels without positions are laid out. Writing always gives explicit
 * edges (an empty list when nothing is connected), so what is drawn is what runs.
 */
public final class CanvasIO {
    /** Files above this size are refused before parsing. */
    public static final long MAX_BYTES = 64L << 20;
    /** More stages than this (all levels) are not drawn; such a document is never saved over its file. */
    public static final int MAX_STAGES = 5_000;
    /** Groups nested deeper than this are kept unread. */
    public static final int MAX_DEPTH = 32;
    private static final Set<String> STAGE_KEYS = Set.of("name", "type", "config", "through", "stages", "edges", "position");

    private CanvasIO() {
    }

    /** A new, empty pipeline with an experiment's usual defaults. */
    public static CanvasDoc blank(String name) {
        ObjectNode e = Json.object();
        e.put("format", "orchard.experiment/1");
        e.put("name", name);
        return new CanvasDoc(e, terminalsOnly(), List.of(), false);
    }

    static CanvasGraph terminalsOnly() {
        return new CanvasGraph(List.of(CanvasNode.terminal(CanvasNode.INPUT, 0, 0), CanvasNode.terminal(CanvasNode.OUTPUT, 600, 0)), List.of());
    }

    /**
     * Reads a document. Throws {@link IllegalArgumentException} only when nothing at all can be read (not JSON, not an
     * object); every other problem becomes a note or a marked stage.
     */
    public static CanvasDoc read(String text, String source) {
        JsonNode root;
        try {
            root = Json.SPEC.readTree(text);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new IllegalArgumentException(source + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")")
                    + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": an experiment is a JSON object {\"name\": ..., \"pipeline\": {...}}");
        }
        ObjectNode experiment = ((ObjectNode) root).deepCopy();
        JsonNode pipeline = experiment.remove("pipeline");
        var reader = new Reader();
        CanvasGraph g;
        if (pipeline == null) {
            // a plain experiment is one sweep with the experiment's settings
            reader.notes.add("$: no \"pipeline\"; shown as one sweep stage with the experiment's settings");
            var sweep = CanvasNode.stage(Ids.node(), "sweep", "sweep", Map.of(), 0, 0);
            g = new CanvasGraph(List.of(CanvasNode.terminal(CanvasNode.INPUT, 0, 0), sweep, CanvasNode.terminal(CanvasNode.OUTPUT, 0, 0)),
                    List.of(CanvasEdge.of(Ids.edge(), sweep.id(), "result", CanvasNode.OUTPUT, Port.IN)));
            g = AutoLayout.layout(g);
        } else {
            g = reader.level(pipeline, "$.pipeline", 0);
        }
        if (!experiment.has("name")) {
            reader.notes.add("$.name: missing; the experiment needs a name before it runs");
        }
        return new CanvasDoc(experiment, g, reader.notes, reader.truncated);
    }

    private static final class Reader {
        final List<String> notes = new ArrayList<>();
        int stages;
        boolean truncated;

        CanvasGraph level(JsonNode block, String path, int depth) {
            var nodes = new ArrayList<CanvasNode>();
            nodes.add(CanvasNode.terminal(CanvasNode.INPUT, 0, 0));
            JsonNode arr = block.get("stages");
            if (!block.isObject()) {
                notes.add(path + ": a pipeline is an object {\"stages\": [...]}; nothing could be read");
                arr = null;
            } else if (arr == null || !arr.isArray()) {
                notes.add(path + ".stages: missing or not a list");
                arr = null;
            }
            if (block.isObject()) {
                block.fieldNames().forEachRemaining(k -> {
                    if (!k.equals("stages") && !k.equals("edges")) {
                        notes.add(path + "." + k + ": unknown key; a pipeline has \"stages\" and \"edges\" (it is not kept when saved)");
                    }
                });
            }
            boolean positioned = true;
            Map<String, String> byName = new HashMap<>();
            List<Optional<JsonNode>> throughs = new ArrayList<>();
            if (arr != null) {
                for (int i = 0; i < arr.size(); i++) {
                    if (++stages > MAX_STAGES) {
                        truncated = true;
                        notes.add(path + ".stages[" + i + "]: the file has more than " + MAX_STAGES
                                + " stages; the rest are not shown, and the canvas will not save over this file");
                        break;
                    }
                    CanvasNode n = stage(arr.get(i), path + ".stages[" + i + "]", depth);
                    positioned &= arr.get(i).path("position").isObject();
                    nodes.add(n);
                    throughs.add(n.unread().isEmpty() ? Optional.ofNullable(arr.get(i).get("through")) : Optional.empty());
                    if (!n.name().isEmpty() && n.unread().isEmpty()) {
                        byName.putIfAbsent(n.name(), n.id());
                    }
                }
            }
            nodes.add(CanvasNode.terminal(CanvasNode.OUTPUT, 0, 0));
            CanvasGraph g = new CanvasGraph(nodes, List.of());
            if (block.has("edges")) {
                for (int i = 0; i < throughs.size(); i++) {
                    if (throughs.get(i).isPresent()) {
                        notes.add(path + ".stages[" + i + "].through: with explicit edges, contracts and hooks belong on the edges;"
                                + " this one is not drawn and not kept when saved");
                    }
                }
            }
            List<CanvasEdge> edges = block.has("edges") ? explicit(block.get("edges"), path + ".edges", byName)
                    : chain(g, throughs, path);
            g = new CanvasGraph(nodes, defaultPorts(new CanvasGraph(nodes, edges)));
            return positioned && !g.stages().isEmpty() ? placeTerminals(g) : AutoLayout.layout(g);
        }

        /** An edge written "from": "explore" takes the node's only port (or the usual name when it has several). */
        List<CanvasEdge> defaultPorts(CanvasGraph g) {
            var out = new ArrayList<CanvasEdge>();
            for (CanvasEdge e : g.edges()) {
                String fp = e.fromPort();
                String tp = e.toPort();
                if (fp.isEmpty()) {
                    List<Port> ps = g.node(e.from()).map(n -> Ports.outputs(n, g)).orElse(List.of());
                    fp = ps.size() == 1 ? ps.get(0).name() : Port.OUT;
                }
                if (tp.isEmpty()) {
                    List<Port> ps = g.node(e.to()).map(n -> Ports.inputs(n, g)).orElse(List.of());
                    tp = ps.size() == 1 ? ps.get(0).name() : Port.IN;
                }
                out.add(new CanvasEdge(e.id(), e.from(), fp, e.to(), tp, e.contract(), e.hooks()));
            }
            return out;
        }

        CanvasNode stage(JsonNode s, String at, int depth) {
            String name = s.path("name").isTextual() ? s.get("name").asText() : "";
            String display = name.isBlank() ? at.substring(at.lastIndexOf('.') + 1) : name;
            Optional<String> problem = Optional.empty();
            if (!s.isObject()) {
                problem = Optional.of("a stage is an object {\"name\": ..., \"type\": ...}");
            } else if (name.isBlank()) {
                problem = Optional.of("a stage needs a \"name\"");
            } else if (!s.path("type").isTextual() || s.get("type").asText().isBlank()) {
                problem = Optional.of("a stage needs a \"type\"");
            } else if (s.has("config") && !s.get("config").isObject()) {
                problem = Optional.of("\"config\" must be an object");
            } else if (s.has("position") && !(s.get("position").path("x").isNumber() && s.get("position").path("y").isNumber())) {
                problem = Optional.of("\"position\" must be {\"x\": number, \"y\": number}");
            } else if (s.has("through") && !s.get("through").isObject()) {
                problem = Optional.of("\"through\" must be an object");
            } else {
                for (var it = s.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    if (!STAGE_KEYS.contains(k)) {
                        problem = Optional.of("unknown key '" + k + "'");
                    }
                }
            }
            String type = s.path("type").asText("?");
            boolean block = type.equals("loop") || type.equals("group");
            if (problem.isEmpty() && block && depth >= MAX_DEPTH) {
                problem = Optional.of("sub-experiments nested deeper than " + MAX_DEPTH + " levels are not drawn");
            }
            double x = s.path("position").path("x").asDouble(0);
            double y = s.path("position").path("y").asDouble(0);
            if (problem.isPresent()) {
                notes.add(at + ": " + problem.get() + "; kept as written and marked");
                return new CanvasNode(Ids.node(), display, type, Map.of(), x, y, CanvasGraph.EMPTY, Optional.of(s.deepCopy()));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> config = s.has("config") ? Json.SPEC.convertValue(s.get("config"), LinkedHashMap.class) : Map.of();
            CanvasGraph body = CanvasGraph.EMPTY;
            if (block) {
                ObjectNode b = Json.object();
                b.set("stages", s.has("stages") ? s.get("stages") : Json.SPEC.createArrayNode());
                if (s.has("edges")) {
                    b.set("edges", s.get("edges"));
                }
                body = level(b, at, depth + 1);
            }
            return new CanvasNode(Ids.node(), name, type, config, x, y, body, Optional.empty());
        }

        List<CanvasEdge> explicit(JsonNode arr, String path, Map<String, String> byName) {
            var out = new ArrayList<CanvasEdge>();
            if (!arr.isArray()) {
                notes.add(path + ": must be a list of edges; none drawn");
                return out;
            }
            for (int i = 0; i < arr.size(); i++) {
                String at = path + "[" + i + "]";
                JsonNode e = arr.get(i);
                if (!e.path("from").isTextual() || !e.path("to").isTextual()) {
                    notes.add(at + ": an edge is {\"from\": \"a.port\", \"to\": \"b.port\"}; left out");
                    continue;
                }
                String[] from = end(e.get("from").asText(), true, byName);
                String[] to = end(e.get("to").asText(), false, byName);
                if (from == null || to == null) {
                    notes.add(at + ": " + (from == null ? e.get("from").asText() : e.get("to").asText()) + " names no stage here; left out");
                    continue;
                }
                out.add(new CanvasEdge(Ids.edge(), from[0], from[1], to[0], to[1], contract(e.get("contract"), at),
                        hooks(e.get("hooks"), at + ".hooks")));
            }
            return out;
        }

        /** {node id, port}; the port defaults to the node's only one once ports are known, here to the usual name. */
        String[] end(String text, boolean source, Map<String, String> byName) {
            if (text.equals(CanvasNode.INPUT) && source || text.equals(CanvasNode.OUTPUT) && !source) {
                return new String[]{text, source ? Port.OUT : Port.IN};
            }
            String id = byName.get(text);
            if (id != null) {
                return new String[]{id, ""};
            }
            int dot = text.lastIndexOf('.');
            if (dot > 0 && byName.containsKey(text.substring(0, dot))) {
                return new String[]{byName.get(text.substring(0, dot)), text.substring(dot + 1)};
            }
            return null;
        }

        List<CanvasEdge> chain(CanvasGraph g, List<Optional<JsonNode>> throughs, String path) {
            var out = new ArrayList<CanvasEdge>();
            String prev = CanvasNode.INPUT;
            String prevPort = Port.OUT;
            Optional<JsonNode> through = Optional.empty();
            String at = path;
            List<CanvasNode> stages = g.stages();
            for (int i = 0; i < stages.size(); i++) {
                CanvasNode n = stages.get(i);
                List<Port> ins = n.unread().isPresent() || Ports.registry(n).isEmpty() && !n.isBlock()
                        ? List.of(Port.of(Port.IN, dev.orchard.engine.pipeline.DataType.ANY)) : Ports.inputs(n, g);
                Optional<Port> in = ins.stream().filter(p -> !p.optional()).findFirst().or(() -> ins.stream().findFirst());
                if (in.isPresent() && !(prev.equals(CanvasNode.INPUT) && in.get().optional())) {
                    out.add(edgeWith(prev, prevPort, n.id(), in.get().name(), through, at));
                }
                List<Port> outs = n.unread().isPresent() || Ports.registry(n).isEmpty() && !n.isBlock()
                        ? List.of(Port.of(Port.OUT, dev.orchard.engine.pipeline.DataType.ANY)) : Ports.outputs(n, g);
                prev = n.id();
                prevPort = outs.isEmpty() ? Port.OUT : outs.get(0).name();
                through = throughs.get(i);
                at = path + ".stages[" + i + "].through";
            }
            if (!stages.isEmpty()) {
                CanvasNode last = stages.get(stages.size() - 1);
                boolean hasOut = last.unread().isPresent() || !Ports.outputs(last, g).isEmpty() || Ports.registry(last).isEmpty();
                if (hasOut) {
                    out.add(edgeWith(prev, prevPort, CanvasNode.OUTPUT, Port.IN, through, at));
                }
            }
            return out;
        }

        CanvasEdge edgeWith(String from, String fromPort, String to, String toPort, Optional<JsonNode> through, String at) {
            Optional<String> contract = through.flatMap(t -> contract(t.get("contract"), at));
            var hooks = through.flatMap(t -> hooks(t.get("hooks"), at + ".hooks"));
            return new CanvasEdge(Ids.edge(), from, fromPort, to, toPort, contract, hooks);
        }

        Optional<String> contract(JsonNode c, String at) {
            if (c == null) {
                return Optional.empty();
            }
            if (!c.isTextual()) {
                notes.add(at + ".contract: must be a type name such as \"SweepResult\"; left out");
                return Optional.empty();
            }
            return Optional.of(c.asText());
        }

        Optional<PipelineSpec.HooksSpec> hooks(JsonNode h, String at) {
            if (h == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(Hooks.read(h));
            } catch (java.io.IOException | IllegalArgumentException e) {
                notes.add(at + ": could not be read (" + e.getMessage().lines().findFirst().orElse("") + "); left out");
                return Optional.empty();
            }
        }
    }

    /** Places the terminals left and right of the stages (files store no positions for them). */
    static CanvasGraph placeTerminals(CanvasGraph g) {
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double sumY = 0;
        int n = 0;
        for (CanvasNode s : g.stages()) {
            minX = Math.min(minX, s.x());
            maxX = Math.max(maxX, s.x());
            sumY += s.y();
            n++;
        }
        double y = n == 0 ? 0 : sumY / n;
        double left = n == 0 ? 0 : minX - AutoLayout.LAYER_GAP;
        double right = n == 0 ? 600 : maxX + AutoLayout.LAYER_GAP;
        return g.mapNodes(Set.of(CanvasNode.INPUT, CanvasNode.OUTPUT), t -> t.at(t.id().equals(CanvasNode.INPUT) ? left : right, y));
    }

    // ---- writing ----

    /** The experiment JSON: the experiment's settings and the pipeline with explicit edges and positions. */
    public static ObjectNode write(CanvasDoc doc) {
        return write(doc, new HashMap<>());
    }

    /**
     * {@link #write(CanvasDoc)}, also filling {@code paths} with the JSON path of every node and edge id (for mapping
     * the engine's problems back onto the drawing).
     */
    public static ObjectNode write(CanvasDoc doc, Map<String, String> paths) {
        ObjectNode out = Json.object();
        doc.experiment().fields().forEachRemaining(en -> out.set(en.getKey(), en.getValue().deepCopy()));
        out.set("pipeline", block(doc.graph(), "$.pipeline", paths));
        return out;
    }

    private static ObjectNode block(CanvasGraph g, String path, Map<String, String> paths) {
        ObjectNode o = Json.object();
        ArrayNode stages = o.putArray("stages");
        for (CanvasNode n : g.stages()) {
            String at = path + ".stages[" + stages.size() + "]";
            paths.put(n.id(), at);
            if (n.unread().isPresent()) {
                stages.add(n.unread().get().deepCopy());
                continue;
            }
            ObjectNode s = stages.addObject();
            s.put("name", n.name());
            s.put("type", n.type());
            if (!n.config().isEmpty()) {
                s.set("config", Json.SPEC.valueToTree(n.config()));
            }
            ObjectNode pos = s.putObject("position");
            pos.put("x", Math.round(n.x()));
            pos.put("y", Math.round(n.y()));
            if (n.isBlock()) {
                ObjectNode body = block(n.body(), at, paths);
                s.set("stages", body.get("stages"));
                s.set("edges", body.get("edges"));
            }
        }
        ArrayNode edges = o.putArray("edges");
        for (CanvasEdge e : g.edges()) {
            Optional<CanvasNode> from = g.node(e.from());
            Optional<CanvasNode> to = g.node(e.to());
            if (from.isEmpty() || to.isEmpty()) {
                continue;
            }
            paths.put(e.id(), path + ".edges[" + edges.size() + "]");
            ObjectNode x = edges.addObject();
            x.put("from", from.get().isTerminal() ? from.get().id() : endText(from.get().name(), e.fromPort()));
            x.put("to", to.get().isTerminal() ? to.get().id() : endText(to.get().name(), e.toPort()));
            e.contract().ifPresent(c -> x.put("contract", c));
            e.hooks().ifPresent(h -> {
                ObjectNode hj = Json.SPEC.valueToTree(h);
                for (String k : List.of("checkpoint", "cache", "profile")) {
                    if (!hj.path(k).asBoolean(false)) {
                        hj.remove(k);
                    }
                }
                if (hj.size() > 0) {
                    x.set("hooks", hj);
                }
            });
        }
        return o;
    }

    private static String endText(String name, String port) {
        return port.isEmpty() ? name : name + "." + port;
    }

    public static String toText(CanvasDoc doc) {
        try {
            return Json.SPEC.writerWithDefaultPrettyPrinter().writeValueAsString(write(doc)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
