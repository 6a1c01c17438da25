package dev.orchard.engine.curriculum;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.SpecException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Strict reading of curriculum specs and task files: unknown keys, wrong types and values out of range are
 * {@link SpecException}s that name the source and the JSON path ({@code tasks.json: $.tasks[3].id: ...}).
 */
public final class CurriculumSpecs {
    private CurriculumSpecs() {
    }

    static final Set<String> DIFFICULTY_OPTIONS = Set.of("bins", "strategy", "temperature", "ema", "initial_difficulty",
            "competence_threshold", "initial_competence", "total_steps", "reference");
    static final Set<String> PROGRESS_OPTIONS = Set.of("fast", "slow", "noise", "exploration", "temperature", "transform", "pool_size",
            "min_presentations", "eviction_rate", "epoch_size", "reference", "estimator", "window");

    /** Parses spec text (a JSON object with algorithm, options, seed, and tasks or generator). */
    public static CurriculumSpec parse(String text, String source) {
        return parse(tree(text, source), source, "$");
    }

    /** Parses a spec from a tree; {@code path} is where the tree sits in its document. */
    public static CurriculumSpec parse(JsonNode node, String source, String path) {
        object(node, source, path);
        keys(node, source, path, Set.of("algorithm", "options", "seed", "tasks", "generator"));
        JsonNode a = node.get("algorithm");
        if (a == null || !a.isTextual() || !CurriculumSpec.ALGORITHMS.contains(a.asText())) {
            throw err(source, path + ".algorithm", (a == null ? "missing" : "unknown algorithm " + a)
                    + "; valid: " + String.join(", ", CurriculumSpec.ALGORITHMS));
        }
        Map<String, Object> options = new LinkedHashMap<>();
        JsonNode o = node.get("options");
        if (o != null) {
            object(o, source, path + ".options");
            o.fields().forEachRemaining(e -> options.put(e.getKey(), Json.WIRE.convertValue(e.getValue(), Object.class)));
        }
        long seed = 0;
        JsonNode s = node.get("seed");
        if (s != null) {
            if (!s.isIntegralNumber() || !s.canConvertToLong()) {
                throw err(source, path + ".seed", "must be an integer, got " + s);
            }
            seed = s.asLong();
        }
        CurriculumSpec partial = tasks(node, source, path);
        CurriculumSpec spec = new CurriculumSpec(a.asText(), options, partial.tasks(), partial.generator(), seed);
        validate(spec, source, path);
        return spec;
    }

    /**
     * Reads a task file: {@code {"tasks":[{"id":"t0","label":"easy"},...]}} or {@code {"generator":{...}}}; the result
     * carries only tasks or generator (algorithm and options come from elsewhere, e.g. the command line).
     */
    public static CurriculumSpec readTasks(String text, String source) {
        JsonNode node = tree(text, source);
        object(node, source, "$");
        keys(node, source, "$", Set.of("tasks", "generator"));
        return tasks(node, source, "$");
    }

    private static CurriculumSpec tasks(JsonNode node, String source, String path) {
        JsonNode t = node.get("tasks");
        JsonNode g = node.get("generator");
        if ((t == null) == (g == null)) {
            throw err(source, path, "needs exactly one of \"tasks\" (a list of {\"id\":...,\"label\":...}) and \"generator\"");
        }
        if (g != null) {
            return new CurriculumSpec(DifficultyBins.ALGORITHM, Map.of(), List.of(), Optional.of(generator(g, source, path + ".generator")), 0);
        }
        if (!t.isArray()) {
            throw err(source, path + ".tasks", "must be a list of tasks");
        }
        if (t.isEmpty()) {
            throw err(source, path + ".tasks", "is empty; a curriculum needs at least one task");
        }
        List<Task> list = new ArrayList<>();
        Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < t.size(); i++) {
            String at = path + ".tasks[" + i + "]";
            JsonNode x = t.get(i);
            object(x, source, at);
            keys(x, source, at, Set.of("id", "label", "params", "baseline"));
            JsonNode id = x.get("id");
            if (id == null || !id.isTextual() || id.asText().isEmpty()) {
                throw err(source, at + ".id", "must be a non-empty string, got " + id);
            }
            if (!ids.add(id.asText())) {
                throw err(source, at + ".id", "'" + id.asText() + "' appears twice");
            }
            list.add(new Task(id.asText(), text(x, "label", source, at, ""), params(x, source, at), baseline(x, source, at)));
        }
        return new CurriculumSpec(DifficultyBins.ALGORITHM, Map.of(), list, Optional.empty(), 0);
    }

    private static TaskGenerator generator(JsonNode g, String source, String path) {
        object(g, source, path);
        JsonNode type = g.get("type");
        if (type == null || !type.isTextual()) {
            throw err(source, path + ".type", "missing; valid: single, bucketed, weighted");
        }
        switch (type.asText()) {
            case "single" -> {
                keys(g, source, path, Set.of("type", "label", "params", "baseline"));
                return new TaskGenerator.Single(text(g, "label", source, path, "single"), params(g, source, path), baseline(g, source, path));
            }
            case "bucketed" -> {
                keys(g, source, path, Set.of("type", "label", "buckets", "baseline"));
                JsonNode b = g.get("buckets");
                if (b == null || !b.isObject() || b.isEmpty()) {
                    throw err(source, path + ".buckets", "must be an object of at least one bucket: {\"size\":{\"values\":[8,16]},\"density\":{\"span\":[0.1,0.5]}}");
                }
                Map<String, TaskGenerator.Bucket> buckets = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
                    var e = it.next();
                    buckets.put(e.getKey(), bucket(e.getValue(), source, path + ".buckets." + e.getKey()));
                }
                return new TaskGenerator.Bucketed(text(g, "label", source, path, "bucketed"), buckets, baseline(g, source, path));
            }
            case "weighted" -> {
                keys(g, source, path, Set.of("type", "entries"));
                JsonNode es = g.get("entries");
                if (es == null || !es.isArray() || es.isEmpty()) {
                    throw err(source, path + ".entries", "must be a non-empty list of {\"weight\":w,\"generator\":{...}}");
                }
                List<TaskGenerator.Entry> entries = new ArrayList<>();
                for (int i = 0; i < es.size(); i++) {
                    String at = path + ".entries[" + i + "]";
                    object(es.get(i), source, at);
                    keys(es.get(i), source, at, Set.of("weight", "generator"));
                    JsonNode w = es.get(i).get("weight");
                    if (w == null || !w.isNumber() || !(w.asDouble() > 0) || Double.isInfinite(w.asDouble())) {
                        throw err(source, at + ".weight", "must be a number > 0, got " + w);
                    }
                    JsonNode child = es.get(i).get("generator");
                    if (child == null) {
                        throw err(source, at + ".generator", "missing");
                    }
                    entries.add(new TaskGenerator.Entry(w.asDouble(), generator(child, source, at + ".generator")));
                }
                return new TaskGenerator.Weighted(entries);
            }
            default -> throw err(source, path + ".type", "unknown generator type '" + type.asText() + "'; valid: single, bucketed, weighted");
        }
    }

    private static TaskGenerator.Bucket bucket(JsonNode b, String source, String path) {
        object(b, source, path);
        keys(b, source, path, Set.of("values", "span"));
        JsonNode v = b.get("values");
        JsonNode s = b.get("span");
        if ((v == null) == (s == null)) {
            throw err(source, path, "needs exactly one of \"values\" (a list) and \"span\" ([low, high])");
        }
        if (v != null) {
            if (!v.isArray() || v.isEmpty()) {
                throw err(source, path + ".values", "must be a non-empty list");
            }
            List<Object> values = new ArrayList<>();
            v.forEach(x -> values.add(Json.WIRE.convertValue(x, Object.class)));
            return new TaskGenerator.Values(values);
        }
        if (!s.isArray() || s.size() != 2 || !s.get(0).isNumber() || !s.get(1).isNumber()
                || !Double.isFinite(s.get(0).asDouble()) || !Double.isFinite(s.get(1).asDouble())) {
            throw err(source, path + ".span", "must be [low, high], two finite numbers, got " + s);
        }
        if (s.get(0).asDouble() > s.get(1).asDouble()) {
            throw err(source, path + ".span", "low must not exceed high, got " + s);
        }
        boolean integer = s.get(0).isIntegralNumber() && s.get(1).isIntegralNumber();
        return new TaskGenerator.Span(s.get(0).asDouble(), s.get(1).asDouble(), integer);
    }

    /** Checks algorithm-specific rules and the options (each named by its path). */
    public static void validate(CurriculumSpec spec, String source, String path) {
        if (spec.algorithm().equals(DifficultyBins.ALGORITHM) && spec.generator().isPresent()) {
            throw err(source, path + ".generator", "difficulty_bins ranks a fixed set of items: give \"tasks\"");
        }
        if (spec.algorithm().equals(LearningProgress.ALGORITHM) && spec.tasks().size() > 0 && spec.options().containsKey("pool_size")) {
            throw err(source, path + ".options.pool_size", "applies to a generator's pool; a task list is the whole pool");
        }
        try {
            if (spec.algorithm().equals(DifficultyBins.ALGORITHM)) {
                difficultyOptions(spec.options(), source, path + ".options");
            } else {
                progressOptions(spec.options(), source, path + ".options");
            }
        } catch (CurriculumException e) {
            // a range check of the options record: its message starts with the option's name
            String name = e.getMessage().split(" ")[0];
            throw err(source, path + ".options." + name, e.getMessage().substring(name.length()).trim());
        }
    }

    static DifficultyBins.Options difficultyOptions(Map<String, Object> o, String source, String path) {
        known(o, DIFFICULTY_OPTIONS, source, path);
        var d = DifficultyBins.Options.DEFAULTS;
        DifficultyBins.Strategy strategy = d.strategy();
        if (o.containsKey("strategy")) {
            try {
                strategy = DifficultyBins.Strategy.parse(string(o, "strategy", source, path));
            } catch (IllegalArgumentException e) {
                throw err(source, path + ".strategy", e.getMessage());
            }
        }
        return new DifficultyBins.Options((int) integer(o, "bins", d.bins(), source, path), strategy,
                number(o, "temperature", d.temperature(), source, path), number(o, "ema", d.ema(), source, path),
                number(o, "initial_difficulty", d.initialDifficulty(), source, path),
                number(o, "competence_threshold", d.competenceThreshold(), source, path),
                number(o, "initial_competence", d.initialCompetence(), source, path),
                integer(o, "total_steps", d.totalSteps(), source, path), bool(o, "reference", d.reference(), source, path));
    }

    static LearningProgress.Options progressOptions(Map<String, Object> o, String source, String path) {
        known(o, PROGRESS_OPTIONS, source, path);
        boolean reference = bool(o, "reference", false, source, path);
        // the reference code is an EMA rule: its defaults are the EMA rule's
        LearningProgress.Estimator estimator = reference ? LearningProgress.Estimator.EMA : LearningProgress.Options.DEFAULTS.estimator();
        if (o.containsKey("estimator")) {
            try {
                estimator = LearningProgress.Estimator.parse(string(o, "estimator", source, path));
            } catch (IllegalArgumentException e) {
                throw err(source, path + ".estimator", e.getMessage());
            }
        }
        // each estimator has its own defaults: "estimator": "ema" alone is the earlier default rule, exactly
        var d = estimator == LearningProgress.Estimator.EMA ? LearningProgress.Options.EMA_RULE : LearningProgress.Options.DEFAULTS;
        LearningProgress.Transform transform = d.transform();
        if (o.containsKey("transform")) {
            try {
                transform = LearningProgress.Transform.parse(string(o, "transform", source, path));
            } catch (IllegalArgumentException e) {
                throw err(source, path + ".transform", e.getMessage());
            }
        }
        return new LearningProgress.Options(number(o, "fast", d.fast(), source, path), number(o, "slow", d.slow(), source, path),
                number(o, "noise", d.noise(), source, path),
                number(o, "exploration", d.exploration(), source, path), number(o, "temperature", d.temperature(), source, path),
                transform, (int) integer(o, "pool_size", d.poolSize(), source, path),
                integer(o, "min_presentations", d.minPresentations(), source, path),
                number(o, "eviction_rate", d.evictionRate(), source, path), integer(o, "epoch_size", d.epochSize(), source, path),
                reference, estimator, (int) integer(o, "window", d.window(), source, path));
    }

    private static void known(Map<String, Object> o, Set<String> known, String source, String path) {
        for (String k : o.keySet()) {
            if (!known.contains(k)) {
                throw err(source, path + "." + k, "not an option of this algorithm; valid: " + String.join(", ", new java.util.TreeSet<>(known)));
            }
        }
    }

    private static double number(Map<String, Object> o, String key, double dflt, String source, String path) {
        Object v = o.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw err(source, path + "." + key, "must be a finite number, got " + v);
        }
        return n.doubleValue();
    }

    private static long integer(Map<String, Object> o, String key, long dflt, String source, String path) {
        Object v = o.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() > Integer.MAX_VALUE) {
            throw err(source, path + "." + key, "must be an integer, got " + v);
        }
        return ((Number) v).longValue();
    }

    private static boolean bool(Map<String, Object> o, String key, boolean dflt, String source, String path) {
        Object v = o.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Boolean b)) {
            throw err(source, path + "." + key, "must be true or false, got " + v);
        }
        return b;
    }

    private static String string(Map<String, Object> o, String key, String source, String path) {
        Object v = o.get(key);
        if (!(v instanceof String s)) {
            throw err(source, path + "." + key, "must be a string, got " + v);
        }
        return s;
    }

    private static Map<String, Object> params(JsonNode x, String source, String path) {
        JsonNode p = x.get("params");
        if (p == null) {
            return Map.of();
        }
        object(p, source, path + ".params");
        @SuppressWarnings("unchecked")
        Map<String, Object> m = Json.WIRE.convertValue(p, LinkedHashMap.class);
        return m;
    }

    private static double baseline(JsonNode x, String source, String path) {
        JsonNode b = x.get("baseline");
        if (b == null) {
            return 0;
        }
        if (!b.isNumber() || !(b.asDouble() >= 0 && b.asDouble() < 1)) {
            throw err(source, path + ".baseline", "must be a number in [0, 1) (the success rate of a random policy), got " + b);
        }
        return b.asDouble();
    }

    private static String text(JsonNode x, String key, String source, String path, String dflt) {
        JsonNode v = x.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw err(source, path + "." + key, "must be a string, got " + v);
        }
        return v.asText();
    }

    private static void object(JsonNode n, String source, String path) {
        if (n == null || !n.isObject()) {
            throw err(source, path, "must be a JSON object, got " + (n == null ? "nothing" : n.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
    }

    private static void keys(JsonNode n, String source, String path, Set<String> allowed) {
        n.fieldNames().forEachRemaining(k -> {
            if (!allowed.contains(k)) {
                throw err(source, path + "." + k, "unknown key; valid: " + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        });
    }

    private static JsonNode tree(String text, String source) {
        try {
            return Json.SPEC.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var loc = e.getLocation();
            throw new SpecException(source, loc == null ? 0 : loc.getLineNr(), loc == null ? 0 : loc.getColumnNr(), "",
                    e.getOriginalMessage(), e);
        }
    }

    static SpecException err(String source, String path, String problem) {
        return new SpecException(source, 0, 0, path, problem, null);
    }
}
