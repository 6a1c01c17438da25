package dev.orchard.engine.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.experiment.ExperimentSpec;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.SpaceException;
import dev.orchard.engine.store.Columns;
import dev.orchard.engine.store.ExperimentArchive;
import dev.orchard.engine.store.ExperimentRecord;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.MetricPoint;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;

import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The export file ({@value #FORMAT}): an experiment with its spec, trials and metric series. The embedded spec is a
 * complete experiment spec, so {@code orchard run} accepts an export file and runs the experiment again.
 * Metric series are stored per trial as {@code {"loss": [[step, value, wall_ms], ...]}}.
 */
public final class ArchiveJson {
    public static final String FORMAT = "orchard.export/1";

    private ArchiveJson() {
    }

    public static String write(ExperimentArchive a) {
        ObjectNode root = Json.SPEC.createObjectNode();
        root.put("format", FORMAT);
        ExperimentRecord e = a.experiment();
        ObjectNode ex = root.putObject("experiment");
        ex.put("id", e.id());
        ex.put("name", e.name());
        ex.put("kind", e.kind());
        ex.put("direction", e.direction().wire());
        ex.put("status", e.status().wire());
        e.message().ifPresent(m -> ex.put("message", m));
        ex.put("created_at", e.createdAt().toString());
        try {
            ex.set("spec", Json.SPEC.readTree(e.specJson()));
        } catch (JsonProcessingException x) {
            throw new IllegalStateException("stored spec of experiment " + e.id() + " is not JSON", x);
        }
        Map<Integer, ObjectNode> series = new LinkedHashMap<>();
        for (MetricPoint m : a.metrics()) {
            ObjectNode byName = series.computeIfAbsent(m.trial(), k -> Json.SPEC.createObjectNode());
            ArrayNode arr = byName.has(m.name()) ? (ArrayNode) byName.get(m.name()) : byName.putArray(m.name());
            arr.addArray().add(m.step()).add(m.value()).add(m.wallTimeMillis());
        }
        ArrayNode trials = root.putArray("trials");
        for (Trial t : a.trials()) {
            ObjectNode n = trials.addObject();
            n.put("number", t.number());
            n.set("params", Json.SPEC.valueToTree(t.params()));
            n.put("state", t.state().wire());
            if (t.value().isPresent()) {
                n.put("value", t.value().getAsDouble());
            }
            n.put("last_step", t.lastStep());
            t.error().ifPresent(err -> n.put("error", err));
            n.put("started_at", t.startedAt().toString());
            t.finishedAt().ifPresent(f -> n.put("finished_at", f.toString()));
            n.set("metrics", series.getOrDefault(t.number(), Json.SPEC.createObjectNode()));
        }
        try {
            return Json.SPEC.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException x) {
            throw new IllegalStateException(x);
        }
    }

    /** True when the text is an export file rather than a spec. */
    public static boolean isArchive(JsonNode tree) {
        return tree.isObject() && FORMAT.equals(tree.path("format").asText());
    }

    public static ExperimentArchive read(Path file) {
        String source = file.toString();
        return parse(Specs.readText(file), source);
    }

    /** The start of the error given to a trial, and of the message given to an experiment, that was not final in the file. */
    public static final String IMPORTED_WHILE = "imported while ";

    /**
     * Parses and checks an export; every problem names its JSON path, and nothing is stored by reading. Every trial's
     * parameters must be a configuration of the experiment's own space (each active parameter present and in range,
     * inactive conditional ones absent, nothing else), and every text must fit what the history keeps
     * ({@link Columns}). Trials that were pending, running or paused in the file, and an experiment that had not ended,
     * are stored as stopped with a message saying so: their processes and checkpoints stayed where they ran, so they
     * can never continue here.
     */
    public static ExperimentArchive parse(String text, String source) {
        JsonNode root = Specs.tree(text, source);
        if (!isArchive(root)) {
            throw Specs.err(source, "$.format", "expected \"" + FORMAT + "\"; is this an Orchard export?");
        }
        JsonNode ex = object(root, "experiment", source, "$.experiment");
        JsonNode specNode = object(ex, "spec", source, "$.experiment.spec");
        ExperimentSpec spec;
        try {
            spec = Specs.parse(specNode.toString(), source);
        } catch (SpecException x) {
            String inner = x.path().isEmpty() ? "" : x.path().substring(1);
            throw new SpecException(source, 0, 0, "$.experiment.spec" + inner, x.problem(), x);
        }
        String name = bounded(text(ex, "name", source, "$.experiment.name"), Columns.NAME, source, "$.experiment.name");
        String kind = kind(ex, spec, source);
        ExperimentStatus status = parseEnum(() -> ExperimentStatus.parse(ex.path("status").asText("completed")), source, "$.experiment.status",
                "unknown status '" + Columns.preview(ex.path("status").asText()) + "'");
        Optional<String> message = optionalText(ex, "message", Columns.MESSAGE, source, "$.experiment.message");
        if (status != ExperimentStatus.COMPLETED && status != ExperimentStatus.STOPPED && status != ExperimentStatus.FAILED) {
            message = Optional.of(IMPORTED_WHILE + status.wire() + message.map(m -> " (" + Columns.preview(m) + ")").orElse("")
                    + ": it cannot continue here, its trials' processes and checkpoints stayed where it ran; stored as stopped");
            status = ExperimentStatus.STOPPED;
        }
        Instant created = instant(ex.path("created_at"), source, "$.experiment.created_at").orElse(Instant.now());
        ExperimentRecord record = new ExperimentRecord(ex.path("id").asLong(0), Optional.empty(), name, kind,
                spec.direction(), Specs.write(spec), Optional.empty(), status, message, created, created);

        JsonNode trialsNode = root.get("trials");
        if (trialsNode == null || !trialsNode.isArray()) {
            throw Specs.err(source, "$.trials", "missing or not a list");
        }
        if (spec.isPipeline() && !trialsNode.isEmpty()) {
            throw Specs.err(source, "$.trials", "a pipeline experiment has no trials of its own (they belong to its sweeps,"
                    + " which are exported one by one)");
        }
        var trials = new ArrayList<Trial>();
        var metrics = new ArrayList<MetricPoint>();
        var numbers = new HashSet<Integer>();
        for (int i = 0; i < trialsNode.size(); i++) {
            String at = "$.trials[" + i + "]";
            JsonNode t = trialsNode.get(i);
            if (!t.isObject()) {
                throw Specs.err(source, at, "expected an object");
            }
            JsonNode num = t.get("number");
            if (num == null || !num.canConvertToInt() || !num.isIntegralNumber() || num.asInt() < 0) {
                throw Specs.err(source, at + ".number", "expected a non-negative integer");
            }
            int number = num.asInt();
            if (!numbers.add(number)) {
                throw Specs.err(source, at + ".number", "trial " + number + " appears twice");
            }
            JsonNode params = object(t, "params", source, at + ".params");
            Map<String, Object> p = Json.readMap(params.toString());
            checkParams(p, spec.space(), source, at + ".params", number);
            TrialState state = parseEnum(() -> TrialState.parse(t.path("state").asText("")), source, at + ".state",
                    "unknown trial state '" + Columns.preview(t.path("state").asText()) + "'");
            OptionalDouble value = OptionalDouble.empty();
            if (t.hasNonNull("value")) {
                if (!t.get("value").isNumber() || !Double.isFinite(t.get("value").asDouble())) {
                    throw Specs.err(source, at + ".value", "expected a finite number");
                }
                value = OptionalDouble.of(t.get("value").asDouble());
            }
            JsonNode step = t.path("last_step");
            if (!step.isMissingNode() && !step.isNull() && (!step.isIntegralNumber() || !step.canConvertToLong() || step.asLong() < -1)) {
                throw Specs.err(source, at + ".last_step", "expected an integer step (-1 for none)");
            }
            long lastStep = step.asLong(-1);
            Optional<String> error = optionalText(t, "error", Columns.ERROR, source, at + ".error");
            if (!state.finished()) {
                error = Optional.of(IMPORTED_WHILE + state.wire() + ": its process and checkpoint stayed where it ran, so it can"
                        + " never continue here" + error.map(e -> "; before: " + e).orElse(""));
                state = TrialState.STOPPED;
            }
            Instant started = instant(t.path("started_at"), source, at + ".started_at").orElse(created);
            Optional<Instant> finished = instant(t.path("finished_at"), source, at + ".finished_at");
            trials.add(new Trial(0, number, p, state, value, lastStep, error, started, finished));
            JsonNode ms = t.path("metrics");
            if (!ms.isMissingNode() && !ms.isObject()) {
                throw Specs.err(source, at + ".metrics", "expected an object of metric series");
            }
            var it = ms.fields();
            while (it.hasNext()) {
                var f = it.next();
                String mAt = at + ".metrics." + Columns.preview(f.getKey());
                if (f.getKey().isBlank()) {
                    throw Specs.err(source, mAt, "a metric needs a name");
                }
                bounded(f.getKey(), Columns.NAME, source, mAt);
                if (!f.getValue().isArray()) {
                    throw Specs.err(source, mAt, "expected a list of [step, value, wall_ms]");
                }
                for (int k = 0; k < f.getValue().size(); k++) {
                    JsonNode pt = f.getValue().get(k);
                    if (!pt.isArray() || pt.size() != 3 || !pt.get(0).isIntegralNumber() || !pt.get(0).canConvertToLong()
                            || !pt.get(1).isNumber() || !Double.isFinite(pt.get(1).asDouble())
                            || !pt.get(2).isIntegralNumber() || !pt.get(2).canConvertToLong()) {
                        throw Specs.err(source, mAt + "[" + k + "]", "expected [step, finite value, wall_ms]");
                    }
                    metrics.add(new MetricPoint(number, pt.get(0).asLong(), f.getKey(), pt.get(1).asDouble(), pt.get(2).asLong()));
                }
            }
        }
        return new ExperimentArchive(record, trials, metrics);
    }

    /** A trial's parameters: exactly a configuration of the experiment's space, or an error at the parameter's path. */
    private static void checkParams(Map<String, Object> params, SearchSpace space, String source, String at, int number) {
        var names = new HashSet<String>();
        space.params().forEach(q -> names.add(q.name()));
        for (String key : params.keySet()) {
            if (!names.contains(key)) {
                throw Specs.err(source, at + "." + Columns.preview(key), "trial " + number + " has a parameter the experiment's"
                        + " space does not define; its parameters are " + names);
            }
        }
        try {
            space.toUnit(params);
        } catch (SpaceException x) {
            throw Specs.err(source, x.param().isEmpty() ? at : at + "." + x.param(), "trial " + number + ": " + x.getMessage()
                    + " (the experiment's own space)");
        } catch (IllegalArgumentException x) {
            throw Specs.err(source, at, "trial " + number + ": " + x.getMessage());
        }
    }

    /** The experiment's kind: optional in the file, and it must agree with the spec (a pipeline spec is a pipeline). */
    private static String kind(JsonNode ex, ExperimentSpec spec, String source) {
        String expected = spec.isPipeline() ? "pipeline" : "sweep";
        JsonNode k = ex.get("kind");
        if (k != null && !k.isNull() && !expected.equals(k.asText())) {
            throw Specs.err(source, "$.experiment.kind", "expected \"" + expected + "\" for this spec, got '"
                    + Columns.preview(k.asText()) + "'");
        }
        return expected;
    }

    private static String bounded(String value, int max, String source, String path) {
        String problem = Columns.tooLong(value, max);
        if (problem != null) {
            throw Specs.err(source, path, problem);
        }
        return value;
    }

    private static Optional<String> optionalText(JsonNode parent, String field, int max, String source, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw Specs.err(source, path, "expected a string");
        }
        return Optional.of(bounded(n.asText(), max, source, path));
    }

    private interface Parse<T> {
        T get();
    }

    private static <T> T parseEnum(Parse<T> p, String source, String path, String problem) {
        try {
            return p.get();
        } catch (IllegalArgumentException x) {
            throw Specs.err(source, path, problem);
        }
    }

    private static JsonNode object(JsonNode parent, String field, String source, String path) {
        JsonNode n = parent.get(field);
        if (n == null || !n.isObject()) {
            throw Specs.err(source, path, "missing or not an object");
        }
        return n;
    }

    private static String text(JsonNode parent, String field, String source, String path) {
        JsonNode n = parent.get(field);
        if (n == null || !n.isTextual() || n.asText().isBlank()) {
            throw Specs.err(source, path, "missing or not a string");
        }
        return n.asText();
    }

    private static Optional<Instant> instant(JsonNode n, String source, String path) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(n.asText()));
        } catch (DateTimeParseException x) {
            throw Specs.err(source, path, "expected an ISO-8601 instant like 2026-01-31T12:00:00Z");
        }
    }
}
