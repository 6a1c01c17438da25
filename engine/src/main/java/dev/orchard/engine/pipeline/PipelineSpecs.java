package dev.orchard.engine.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a {@link PipelineSpec} from JSON and turns it into a {@link Pipeline} of registry stages. Every problem —
 * unknown keys or stage types, a missing or mistyped setting, duplicate names, cycles, contract mismatches — is
 * reported at once, each with its JSON path and stage.
 */
public final class PipelineSpecs {
    private static final Set<String> STAGE_KEYS = Set.of("name", "type", "config", "through", "stages", "edges", "position");
    private static final Set<String> HOOK_KEYS = Set.of("checkpoint", "cache", "cache_version", "timeout_seconds", "retry",
            "retry_backoff_seconds", "on_error", "profile", "metrics", "require");
    private static final int MAX_STAGES = 100_000;

    private PipelineSpecs() {
    }

    /** The spec at {@code path} of a document; structural problems throw a {@link PipelineException}. */
    public static PipelineSpec read(JsonNode node, String path) {
        var problems = new ArrayList<PipelineException.Problem>();
        PipelineSpec spec = readBlock(node, path, problems, new int[1]);
        if (!problems.isEmpty()) {
            throw new PipelineException(problems);
        }
        return spec;
    }

    /** The runnable pipeline of a spec; throws a {@link PipelineException} listing every problem. */
    public static Pipeline toPipeline(String name, PipelineSpec spec, String path, StageEnvironment env) {
        var problems = new ArrayList<PipelineException.Problem>();
        Graph g = graph(spec, path, "", env, problems);
        if (!problems.isEmpty()) {
            throw new PipelineException(problems);
        }
        return new Pipeline(name, g, DataType.ANY, new GlobalHooks()).checked();
    }

    // ---- JSON → spec ----

    private static PipelineSpec readBlock(JsonNode node, String path, List<PipelineException.Problem> problems, int[] count) {
        if (node == null || !node.isObject()) {
            problems.add(problem(path, "", "a pipeline is an object {\"stages\": [...]}"));
            return new PipelineSpec(List.of(), List.of());
        }
        node.fieldNames().forEachRemaining(k -> {
            if (!k.equals("stages") && !k.equals("edges")) {
                problems.add(problem(path + "." + k, "", "unknown key; a pipeline has \"stages\" and optionally \"edges\""));
            }
        });
        return new PipelineSpec(stages(node.get("stages"), path + ".stages", problems, count), edges(node.get("edges"), path + ".edges", problems),
                node.has("edges"));
    }

    private static List<PipelineSpec.StageSpec> stages(JsonNode arr, String path, List<PipelineException.Problem> problems, int[] count) {
        var out = new ArrayList<PipelineSpec.StageSpec>();
        if (arr == null || !arr.isArray() || arr.isEmpty()) {
            problems.add(problem(path, "", "must be a non-empty list of stages"));
            return out;
        }
        for (int i = 0; i < arr.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode s = arr.get(i);
            if (++count[0] > MAX_STAGES) {
                problems.add(problem(at, "", "more than " + MAX_STAGES + " stages"));
                return out;
            }
            if (!s.isObject()) {
                problems.add(problem(at, "", "a stage is an object {\"name\": ..., \"type\": ...}"));
                continue;
            }
            String name = text(s, "name", at, problems).orElse("");
            s.fieldNames().forEachRemaining(k -> {
                if (!STAGE_KEYS.contains(k)) {
                    problems.add(problem(at + "." + k, name, "unknown key; a stage has " + String.join(", ", new java.util.TreeSet<>(STAGE_KEYS))));
                }
            });
            String type = text(s, "type", at, problems).orElse("");
            Map<String, Object> config = Map.of();
            if (s.has("config")) {
                if (!s.get("config").isObject()) {
                    problems.add(problem(at + ".config", name, "must be an object"));
                } else {
                    config = Values.MAPPER.convertValue(s.get("config"), LinkedHashMap.class);
                }
            }
            Optional<PipelineSpec.ThroughSpec> through = Optional.empty();
            if (s.has("through")) {
                JsonNode t = s.get("through");
                if (!t.isObject()) {
                    problems.add(problem(at + ".through", name, "must be an object {\"contract\": ..., \"hooks\": {...}}"));
                } else {
                    t.fieldNames().forEachRemaining(k -> {
                        if (!k.equals("contract") && !k.equals("hooks")) {
                            problems.add(problem(at + ".through." + k, name, "unknown key; a through has contract and hooks"));
                        }
                    });
                    through = Optional.of(new PipelineSpec.ThroughSpec(optText(t, "contract", at + ".through", name, problems),
                            hooks(t.get("hooks"), at + ".through.hooks", name, problems)));
                }
            }
            boolean block = type.equals("loop") || type.equals("group");
            PipelineSpec body = new PipelineSpec(List.of(), List.of());
            if (block) {
                body = readBlock(bodyOf(s), at, problems, count);
            } else if (s.has("stages") || s.has("edges")) {
                problems.add(problem(at + ".stages", name, "only loop and group stages have stages inside"));
            }
            Optional<PipelineSpec.Position> pos = Optional.empty();
            if (s.has("position")) {
                JsonNode p = s.get("position");
                if (p.path("x").isNumber() && p.path("y").isNumber()) {
                    pos = Optional.of(new PipelineSpec.Position(p.get("x").asDouble(), p.get("y").asDouble()));
                } else {
                    problems.add(problem(at + ".position", name, "must be {\"x\": number, \"y\": number}"));
                }
            }
            out.add(new PipelineSpec.StageSpec(name, type, config, through, body.stages(), body.edges(), pos, body.explicitEdges()));
        }
        return out;
    }

    private static JsonNode bodyOf(JsonNode stage) {
        var body = Values.MAPPER.createObjectNode();
        if (stage.has("stages")) {
            body.set("stages", stage.get("stages"));
        }
        if (stage.has("edges")) {
            body.set("edges", stage.get("edges"));
        }
        return body;
    }

    private static List<PipelineSpec.EdgeSpec> edges(JsonNode arr, String path, List<PipelineException.Problem> problems) {
        var out = new ArrayList<PipelineSpec.EdgeSpec>();
        if (arr == null) {
            return out;
        }
        if (!arr.isArray()) {
            problems.add(problem(path, "", "must be a list of edges {\"from\": \"a.out\", \"to\": \"b.in\"}"));
            return out;
        }
        for (int i = 0; i < arr.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode e = arr.get(i);
            if (!e.isObject()) {
                problems.add(problem(at, "", "an edge is an object {\"from\": \"a.out\", \"to\": \"b.in\"}"));
                continue;
            }
            e.fieldNames().forEachRemaining(k -> {
                if (!Set.of("from", "to", "contract", "hooks").contains(k)) {
                    problems.add(problem(at + "." + k, "", "unknown key; an edge has from, to, contract and hooks"));
                }
            });
            out.add(new PipelineSpec.EdgeSpec(text(e, "from", at, problems).orElse(""), text(e, "to", at, problems).orElse(""),
                    optText(e, "contract", at, "", problems), hooks(e.get("hooks"), at + ".hooks", "", problems)));
        }
        return out;
    }

    private static Optional<PipelineSpec.HooksSpec> hooks(JsonNode h, String at, String stage, List<PipelineException.Problem> problems) {
        if (h == null) {
            return Optional.empty();
        }
        if (!h.isObject()) {
            problems.add(problem(at, stage, "must be an object"));
            return Optional.empty();
        }
        h.fieldNames().forEachRemaining(k -> {
            if (!HOOK_KEYS.contains(k)) {
                problems.add(problem(at + "." + k, stage, "unknown hook; JSON hooks are " + String.join(", ", new java.util.TreeSet<>(HOOK_KEYS))));
            }
        });
        Optional<Double> timeout = number(h, "timeout_seconds", at, stage, problems, 0.001, 7 * 24 * 3600);
        Optional<Double> retry = number(h, "retry", at, stage, problems, 0, 100);
        if (retry.isPresent() && retry.get() != Math.rint(retry.get())) {
            problems.add(problem(at + ".retry", stage, "must be a whole number of retries"));
        }
        Optional<Double> backoff = number(h, "retry_backoff_seconds", at, stage, problems, 0, 3600);
        Optional<String> onError = optText(h, "on_error", at, stage, problems);
        if (onError.isPresent() && !Set.of("fail", "skip").contains(onError.get())) {
            problems.add(problem(at + ".on_error", stage, "must be \"fail\" or \"skip\", got '" + onError.get() + "'"));
        }
        return Optional.of(new PipelineSpec.HooksSpec(bool(h, "checkpoint", at, stage, problems), bool(h, "cache", at, stage, problems),
                optText(h, "cache_version", at, stage, problems), timeout, retry.map(Double::intValue), backoff, onError,
                bool(h, "profile", at, stage, problems), strings(h, "metrics", at, stage, problems), strings(h, "require", at, stage, problems)));
    }

    // ---- spec → graph ----

    private static Graph graph(PipelineSpec spec, String path, String prefix, StageEnvironment env, List<PipelineException.Problem> problems) {
        var nodes = new ArrayList<Node>();
        var through = new ArrayList<Optional<PipelineSpec.ThroughSpec>>();
        for (int i = 0; i < spec.stages().size(); i++) {
            PipelineSpec.StageSpec s = spec.stages().get(i);
            String at = path + ".stages[" + i + "]";
            node(s, at, prefix, env, problems).ifPresent(nodes::add);
            through.add(s.through());
            if (spec.explicitEdges() && s.through().isPresent()) {
                problems.add(problem(at + ".through", prefix + s.name(), "with explicit edges, put contract and hooks on the edges"));
            }
        }
        if (nodes.size() < spec.stages().size()) {
            return new Graph(nodes, List.of());
        }
        var edges = new ArrayList<Edge>();
        if (spec.explicitEdges()) {
            Map<String, Node> byName = new Graph(nodes, List.of()).byName();
            for (int i = 0; i < spec.edges().size(); i++) {
                PipelineSpec.EdgeSpec e = spec.edges().get(i);
                String at = path + ".edges[" + i + "]";
                String[] from = endpoint(e.from(), true, byName);
                String[] to = endpoint(e.to(), false, byName);
                DataType contract = contract(e.contract(), at + ".contract", prefix + from[0], problems);
                edges.add(new Edge(from[0], from[1], to[0], to[1], contract, hooks(e.hooks()), at));
            }
        } else {
            String prev = Graph.INPUT;
            String prevPort = Port.OUT;
            DataType contract = DataType.ANY;
            Hooks<Object> hooks = new Hooks<>();
            String at = path + ".stages[0]";
            for (int i = 0; i < nodes.size(); i++) {
                Node n = nodes.get(i);
                Optional<Port> in = n.inputs().stream().filter(p -> !p.optional()).findFirst().or(() -> n.inputs().stream().findFirst());
                if (in.isPresent() && !(prev.equals(Graph.INPUT) && in.get().optional())) {
                    edges.add(new Edge(prev, prevPort, n.name(), in.get().name(), contract, hooks, at));
                }
                prev = n.name();
                prevPort = n.outputs().isEmpty() ? Port.OUT : n.outputs().get(0).name();
                at = path + ".stages[" + i + "]" + (through.get(i).isPresent() ? ".through" : "");
                contract = contract(through.get(i).flatMap(PipelineSpec.ThroughSpec::contract), at + ".contract", prefix + n.name(), problems);
                hooks = hooks(through.get(i).flatMap(PipelineSpec.ThroughSpec::hooks));
            }
            if (!nodes.isEmpty() && !nodes.get(nodes.size() - 1).outputs().isEmpty()) {
                edges.add(new Edge(prev, prevPort, Graph.OUTPUT, Port.IN, contract, hooks, at));
            }
        }
        return new Graph(nodes, edges);
    }

    /** "stage.port", "stage" (its only port) or @in / @out. */
    private static String[] endpoint(String text, boolean source, Map<String, Node> byName) {
        if (text.equals(Graph.INPUT) || text.equals(Graph.OUTPUT)) {
            return new String[]{text, source ? Port.OUT : Port.IN};
        }
        int dot = text.lastIndexOf('.');
        if (dot > 0) {
            return new String[]{text.substring(0, dot), text.substring(dot + 1)};
        }
        Node n = byName.get(text);
        List<Port> ports = n == null ? List.of() : source ? n.outputs() : n.inputs();
        return new String[]{text, ports.size() == 1 ? ports.get(0).name() : source ? Port.OUT : Port.IN};
    }

    private static Optional<Node> node(PipelineSpec.StageSpec s, String at, String prefix, StageEnvironment env,
                                       List<PipelineException.Problem> problems) {
        String path = prefix + s.name();
        if (s.type().equals("loop") || s.type().equals("group")) {
            boolean loop = s.type().equals("loop");
            Optional<LoopCondition> cond = loop ? loopCondition(s.config(), at + ".config", path, problems) : Optional.of(LoopCondition.ONCE);
            Graph body = graph(s.body(), at, path + "/", env, problems);
            return cond.map(c -> new Node.BlockNode(s.name(), s.type(), c, body, DataType.ANY, loop ? Math.max(0, (int) Math.min(Integer.MAX_VALUE,
                    ((Number) s.config().getOrDefault("max_iterations", 10_000)).longValue())) : 1, at));
        }
        Optional<StageType> type = StageTypes.get(s.type());
        if (type.isEmpty()) {
            problems.add(problem(at + ".type", path, "unknown stage type '" + s.type() + "'; known: "
                    + String.join(", ", StageTypes.all().keySet()) + ", loop, group"));
            return Optional.empty();
        }
        int before = problems.size();
        Map<String, Object> config = new LinkedHashMap<>();
        Map<String, ConfigField> fields = new LinkedHashMap<>();
        type.get().config().forEach(f -> fields.put(f.name(), f));
        for (var en : s.config().entrySet()) {
            ConfigField f = fields.get(en.getKey());
            if (f == null) {
                problems.add(problem(at + ".config." + en.getKey(), path, "unknown setting of a " + s.type() + " stage; its settings: "
                        + (fields.isEmpty() ? "none" : String.join(", ", fields.keySet()))));
                continue;
            }
            configType(f, en.getValue()).ifPresent(m -> problems.add(problem(at + ".config." + en.getKey(), path, m)));
            config.put(en.getKey(), en.getValue());
        }
        for (ConfigField f : fields.values()) {
            if (!config.containsKey(f.name())) {
                if (f.required()) {
                    problems.add(problem(at + ".config." + f.name(), path, "missing required setting (" + f.type() + "): " + f.description()));
                } else {
                    f.defaultValue().ifPresent(d -> config.put(f.name(), d));
                }
            }
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        for (var p : type.get().check(config, env)) {
            problems.add(problem(at + ".config" + (p.getKey().isEmpty() ? "" : "." + p.getKey()), path, p.getValue()));
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new Node.StageNode(s.name(), s.type(), type.get().create(config, env), type.get().inputs(),
                type.get().outputs(), config, at));
    }

    private static Optional<String> configType(ConfigField f, Object v) {
        boolean ok = switch (f.type()) {
            case "number" -> v instanceof Number n && Double.isFinite(n.doubleValue());
            case "integer" -> v instanceof Integer || v instanceof Long;
            case "string" -> v instanceof String;
            case "boolean" -> v instanceof Boolean;
            case "object" -> v instanceof Map;
            case "list" -> v instanceof Collection;
            default -> true;
        };
        if (!ok) {
            return Optional.of("must be " + (f.type().equals("integer") ? "an " : "a ") + f.type() + ", got " + v);
        }
        if (!f.choices().isEmpty() && !f.choices().contains(String.valueOf(v))) {
            return Optional.of("must be one of " + String.join(", ", f.choices()) + ", got '" + v + "'");
        }
        return Optional.empty();
    }

    private static Optional<LoopCondition> loopCondition(Map<String, Object> c, String at, String stage, List<PipelineException.Problem> problems) {
        for (String k : c.keySet()) {
            if (!Set.of("times", "for_each", "values", "max_iterations").contains(k)) {
                problems.add(problem(at + "." + k, stage, "unknown loop setting; a loop has times, or for_each with values; and max_iterations"));
            }
        }
        if (c.containsKey("max_iterations") && !(c.get("max_iterations") instanceof Integer m && m >= 1)) {
            problems.add(problem(at + ".max_iterations", stage, "must be an integer ≥ 1"));
        }
        if (c.get("times") instanceof Integer n && n >= 0 && !c.containsKey("for_each")) {
            return Optional.of(LoopCondition.times(n));
        }
        if (c.get("for_each") instanceof String var && var.matches("[A-Za-z_][A-Za-z0-9_]*") && c.get("values") instanceof List<?> values
                && !c.containsKey("times")) {
            return Optional.of(LoopCondition.forEach(var, values));
        }
        problems.add(problem(at, stage, "a loop needs {\"times\": n ≥ 0} or {\"for_each\": \"variable\", \"values\": [...]}"));
        return Optional.empty();
    }

    private static DataType contract(Optional<String> text, String at, String stage, List<PipelineException.Problem> problems) {
        if (text.isEmpty()) {
            return DataType.ANY;
        }
        try {
            return DataTypes.parse(text.get());
        } catch (IllegalArgumentException e) {
            problems.add(problem(at, stage, e.getMessage()));
            return DataType.ANY;
        }
    }

    static Hooks<Object> hooks(Optional<PipelineSpec.HooksSpec> spec) {
        Hooks<Object> h = new Hooks<>();
        if (spec.isEmpty()) {
            return h;
        }
        PipelineSpec.HooksSpec s = spec.get();
        if (s.checkpoint()) {
            h.checkpoint();
        }
        if (s.cache()) {
            h.cache(s.cacheVersion().orElse(""));
        }
        s.timeoutSeconds().ifPresent(t -> h.timeout(Duration.ofMillis(Math.max(1, Math.round(t * 1000)))));
        s.retry().ifPresent(n -> h.retry(n, Duration.ofMillis(Math.round(s.retryBackoffSeconds().orElse(0.5) * 1000))));
        if (s.onError().orElse("fail").equals("skip")) {
            h.onError(f -> Recovery.skip());
        }
        if (s.profile()) {
            h.profile();
        }
        if (!s.metrics().isEmpty()) {
            h.metrics(d -> {
                Map<String, Double> m = new LinkedHashMap<>();
                for (String f : s.metrics()) {
                    if (field(d, f) instanceof Number n) {
                        m.put(f, n.doubleValue());
                    }
                }
                return m;
            });
        }
        for (String f : s.require()) {
            h.validate(d -> {
                Object v = field(d, f);
                return v != null && !(v instanceof Collection<?> c && c.isEmpty()) && !(v instanceof Double x && !Double.isFinite(x));
            }, "required field '" + f + "' is missing or empty");
        }
        return h;
    }

    /** A field of a record or map by name, or null. */
    static Object field(Object data, String name) {
        if (data instanceof Map<?, ?> m) {
            return m.get(name);
        }
        if (data instanceof Record r) {
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                if (c.getName().equals(name) || snake(c.getName()).equals(name)) {
                    try {
                        return c.getAccessor().invoke(r);
                    } catch (ReflectiveOperationException e) {
                        return null;
                    }
                }
            }
        }
        return null;
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    // ---- small readers ----

    private static PipelineException.Problem problem(String path, String stage, String message) {
        return new PipelineException.Problem(stage, path, message);
    }

    private static Optional<String> text(JsonNode n, String key, String at, List<PipelineException.Problem> problems) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            problems.add(problem(at + "." + key, "", v == null ? "missing" : "must be a non-empty string"));
            return Optional.empty();
        }
        return Optional.of(v.asText());
    }

    private static Optional<String> optText(JsonNode n, String key, String at, String stage, List<PipelineException.Problem> problems) {
        JsonNode v = n.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            problems.add(problem(at + "." + key, stage, "must be a string"));
            return Optional.empty();
        }
        return Optional.of(v.asText());
    }

    private static boolean bool(JsonNode n, String key, String at, String stage, List<PipelineException.Problem> problems) {
        JsonNode v = n.get(key);
        if (v != null && !v.isBoolean()) {
            problems.add(problem(at + "." + key, stage, "must be true or false"));
        }
        return v != null && v.asBoolean();
    }

    private static Optional<Double> number(JsonNode n, String key, String at, String stage, List<PipelineException.Problem> problems,
                                           double min, double max) {
        JsonNode v = n.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isNumber() || !(v.asDouble() >= min && v.asDouble() <= max)) {
            problems.add(problem(at + "." + key, stage, "must be a number between " + min + " and " + max + ", got " + v));
            return Optional.empty();
        }
        return Optional.of(v.asDouble());
    }

    private static List<String> strings(JsonNode n, String key, String at, String stage, List<PipelineException.Problem> problems) {
        JsonNode v = n.get(key);
        if (v == null) {
            return List.of();
        }
        var out = new ArrayList<String>();
        if (!v.isArray()) {
            problems.add(problem(at + "." + key, stage, "must be a list of field names"));
            return out;
        }
        v.forEach(x -> {
            if (x.isTextual()) {
                out.add(x.asText());
            } else {
                problems.add(problem(at + "." + key, stage, "must be a list of field names"));
            }
        });
        return out;
    }
}
