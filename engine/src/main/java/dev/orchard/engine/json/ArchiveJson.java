package dev.orchard.engine.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.experiment.ExperimentSpec;
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

    /** Parses and checks an export; every problem names its JSON path. Nothing is stored by reading. */
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
        String name = text(ex, "name", source, "$.experiment.name");
        String kind = ex.path("kind").asText("sweep");
        ExperimentStatus status = parseEnum(() -> ExperimentStatus.parse(ex.path("status").asText("completed")), source, "$.experiment.status",
                "unknown status '" + ex.path("status").asText() + "'");
        Instant created = instant(ex.path("created_at"), source, "$.experiment.created_at").orElse(Instant.now());
        ExperimentRecord record = new ExperimentRecord(ex.path("id").asLong(0), Optional.empty(), name, kind,
                spec.direction(), Specs.write(spec), Optional.empty(), status,
                Optional.ofNullable(ex.path("message").isTextual() ? ex.get("message").asText() : null), created, created);

        JsonNode trialsNode = root.get("trials");
        if (trialsNode == null || !trialsNode.isArray()) {
            throw Specs.err(source, "$.trials", "missing or not a list");
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
            TrialState state = parseEnum(() -> TrialState.parse(t.path("state").asText("")), source, at + ".state",
                    "unknown trial state '" + t.path("state").asText() + "'");
            OptionalDouble value = OptionalDouble.empty();
            if (t.hasNonNull("value")) {
                if (!t.get("value").isNumber() || !Double.isFinite(t.get("value").asDouble())) {
                    throw Specs.err(source, at + ".value", "expected a finite number");
                }
                value = OptionalDouble.of(t.get("value").asDouble());
            }
            long lastStep = t.path("last_step").asLong(-1);
            Optional<String> error = t.hasNonNull("error") ? Optional.of(t.get("error").asText()) : Optional.empty();
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
                String mAt = at + ".metrics." + f.getKey();
                if (!f.getValue().isArray()) {
                    throw Specs.err(source, mAt, "expected a list of [step, value, wall_ms]");
                }
                for (int k = 0; k < f.getValue().size(); k++) {
                    JsonNode pt = f.getValue().get(k);
                    if (!pt.isArray() || pt.size() != 3 || !pt.get(0).isIntegralNumber() || !pt.get(1).isNumber()
                            || !Double.isFinite(pt.get(1).asDouble()) || !pt.get(2).isIntegralNumber()) {
                        throw Specs.err(source, mAt + "[" + k + "]", "expected [step, finite value, wall_ms]");
                    }
                    metrics.add(new MetricPoint(number, pt.get(0).asLong(), f.getKey(), pt.get(1).asDouble(), pt.get(2).asLong()));
                }
            }
        }
        return new ExperimentArchive(record, trials, metrics);
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
