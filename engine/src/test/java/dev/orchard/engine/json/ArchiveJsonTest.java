package dev.orchard.engine.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.experiment.ExperimentSpec;
import dev.orchard.engine.store.ExperimentArchive;
import dev.orchard.engine.store.ExperimentRecord;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.MetricPoint;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The export file: write → parse gives the same experiment, and every problem of a broken file names its path. */
class ArchiveJsonTest {

    static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");

    static ExperimentArchive archive() {
        ExperimentSpec spec = Specs.parse(SpecsTest.VALID, "spec");
        var record = new ExperimentRecord(42, Optional.empty(), "t", "sweep", Direction.MINIMIZE, Specs.write(spec),
                Optional.empty(), ExperimentStatus.COMPLETED, Optional.of("done"), T0, T0);
        var trials = List.of(
                new Trial(0, 0, Map.of("x1", 1.5, "x2", 2.0), TrialState.COMPLETED, OptionalDouble.of(3.25), 2,
                        Optional.empty(), T0, Optional.of(T0.plusSeconds(1))),
                new Trial(0, 1, Map.of("x1", -4.0, "x2", 14.5), TrialState.FAILED, OptionalDouble.empty(), -1,
                        Optional.of("boom: \"quoted\"\nsecond line"), T0.plusMillis(5), Optional.of(T0.plusSeconds(2))),
                new Trial(0, 2, Map.of("x1", 0.0, "x2", 0.0), TrialState.STOPPED, OptionalDouble.empty(), 0,
                        Optional.of("stopped by the user"), T0.plusMillis(7), Optional.of(T0.plusSeconds(3))));
        var metrics = List.of(
                new MetricPoint(0, 0, "value", 10.0, 1000),
                new MetricPoint(0, 1, "value", 5.5, 1001),
                new MetricPoint(0, 2, "value", 3.25, 1002),
                new MetricPoint(0, 0, "z_other", -1e-300, 1000),
                new MetricPoint(2, 0, "value", 1e300, 1003));
        return new ExperimentArchive(record, trials, metrics);
    }

    static ExperimentArchive parse(String text) {
        return ArchiveJson.parse(text, "export.json");
    }

    @Test
    void writeThenParseRoundTrips() {
        ExperimentArchive a = archive();
        String text = ArchiveJson.write(a);
        ExperimentArchive b = parse(text);
        assertThat(b.experiment()).isEqualTo(a.experiment());
        assertThat(b.trials()).isEqualTo(a.trials());
        assertThat(b.metrics()).containsExactlyInAnyOrderElementsOf(a.metrics());
        // the embedded spec is a complete, runnable spec
        assertThat(ArchiveJson.isArchive(Json.tree(Json.readMap(text)))).isTrue();
        assertThat(Specs.parse(Json.tree(Json.readMap(text)).get("experiment").get("spec").toString(), "spec").name()).isEqualTo("t");
        assertThat(ArchiveJson.write(b)).isEqualTo(text);
    }

    @Test
    void readsAFile(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("e.json"), ArchiveJson.write(archive()));
        assertThat(ArchiveJson.read(f).trials()).hasSize(3);
        Path broken = Files.writeString(dir.resolve("b.json"), "{\"format\": \"orchard.export/1\",");
        assertThatThrownBy(() -> ArchiveJson.read(broken)).isInstanceOf(SpecException.class)
                .hasMessageStartingWith(broken.toString() + ":1:");
    }

    /** Edits the written export, then expects the parse to fail at {@code path} with {@code problem}. */
    static void rejects(Consumer<ObjectNode> edit, String path, String problem) {
        ObjectNode root = (ObjectNode) Json.tree(Json.readMap(ArchiveJson.write(archive())));
        edit.accept(root);
        String text = root.toString();
        assertThatThrownBy(() -> parse(text)).isInstanceOf(SpecException.class)
                .hasMessageStartingWith("export.json: " + path + ": ")
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(((SpecException) e).path()).isEqualTo(path));
    }

    static ObjectNode trial(ObjectNode root, int i) {
        return (ObjectNode) root.get("trials").get(i);
    }

    @Test
    void badTrialStateNamesItsPath() {
        rejects(r -> trial(r, 1).put("state", "exploded"), "$.trials[1].state", "unknown trial state 'exploded'");
        rejects(r -> trial(r, 0).remove("state"), "$.trials[0].state", "unknown trial state");
    }

    @Test
    void duplicateTrialNumbersAreRejected() {
        rejects(r -> trial(r, 2).put("number", 0), "$.trials[2].number", "trial 0 appears twice");
        rejects(r -> trial(r, 1).put("number", -1), "$.trials[1].number", "non-negative integer");
        rejects(r -> trial(r, 1).put("number", 1.5), "$.trials[1].number", "non-negative integer");
        rejects(r -> trial(r, 1).put("number", "1"), "$.trials[1].number", "non-negative integer");
    }

    @Test
    void nonFiniteValuesAreRejected() {
        rejects(r -> trial(r, 0).put("value", Double.POSITIVE_INFINITY), "$.trials[0].value", "finite number");
        rejects(r -> trial(r, 0).put("value", "3.25"), "$.trials[0].value", "finite number");
        rejects(r -> ((ArrayNode) trial(r, 0).get("metrics").get("value").get(1)).set(1, Double.NEGATIVE_INFINITY),
                "$.trials[0].metrics.value[1]", "finite value");
        rejects(r -> ((ArrayNode) trial(r, 0).get("metrics").get("value").get(1)).set(1, "NaN"),
                "$.trials[0].metrics.value[1]", "finite value");
        rejects(r -> ((ArrayNode) trial(r, 0).get("metrics").get("value").get(2)).remove(2),
                "$.trials[0].metrics.value[2]", "[step, finite value, wall_ms]");
        rejects(r -> trial(r, 0).putArray("metrics"), "$.trials[0].metrics", "object of metric series");
        rejects(r -> ((ObjectNode) trial(r, 0).get("metrics")).put("value", 3), "$.trials[0].metrics.value", "list");
        // an infinite number in the text (1e999) is just as wrong
        String text = ArchiveJson.write(archive()).replace("\"value\" : 3.25", "\"value\" : 1e999");
        assertThat(text).contains("1e999");
        assertThatThrownBy(() -> parse(text)).isInstanceOf(SpecException.class).hasMessageContaining("$.trials[0].value");
        // NaN is not JSON at all
        String nan = ArchiveJson.write(archive()).replace("\"value\" : 3.25", "\"value\" : NaN");
        assertThatThrownBy(() -> parse(nan)).isInstanceOf(SpecException.class).hasMessageContaining("invalid JSON");
    }

    @Test
    void structuralProblemsNameTheirPath() {
        rejects(r -> r.put("format", "orchard.experiment/1"), "$.format", "orchard.export/1");
        rejects(r -> r.remove("experiment"), "$.experiment", "missing or not an object");
        rejects(r -> ((ObjectNode) r.get("experiment")).remove("spec"), "$.experiment.spec", "missing");
        rejects(r -> ((ObjectNode) r.get("experiment").get("spec")).put("budget", 0), "$.experiment.spec.budget", "between 1");
        rejects(r -> ((ObjectNode) r.get("experiment").get("spec")).put("optimizer", "nope"), "$.experiment.spec.optimizer",
                "unknown optimizer");
        rejects(r -> ((ObjectNode) r.get("experiment")).put("name", ""), "$.experiment.name", "missing");
        rejects(r -> ((ObjectNode) r.get("experiment")).put("status", "sleeping"), "$.experiment.status", "unknown status");
        rejects(r -> ((ObjectNode) r.get("experiment")).put("created_at", "yesterday"), "$.experiment.created_at", "ISO-8601");
        rejects(r -> r.put("trials", 3), "$.trials", "not a list");
        rejects(r -> ((ArrayNode) r.get("trials")).add(7), "$.trials[3]", "expected an object");
        rejects(r -> trial(r, 1).put("params", "x"), "$.trials[1].params", "not an object");
        rejects(r -> trial(r, 1).put("started_at", "soon"), "$.trials[1].started_at", "ISO-8601");
    }

    @Test
    void specOfTheExportNeedNotBeTheStoredText() {
        JsonNode spec = Json.tree(Json.readMap(ArchiveJson.write(archive()))).get("experiment").get("spec");
        assertThat(spec.get("format").asText()).isEqualTo(ExperimentSpec.FORMAT);
    }

    @Test
    void paramsMustBeAConfigurationOfTheExperimentsOwnSpace() {
        rejects(r -> ((ObjectNode) trial(r, 0).get("params")).put("x1", 10.5), "$.trials[0].params.x1", "outside [-5.0, 10.0]");
        rejects(r -> ((ObjectNode) trial(r, 2).get("params")).put("x2", "7"), "$.trials[2].params.x2", "expected a number");
        rejects(r -> ((ObjectNode) trial(r, 1).get("params")).remove("x2"), "$.trials[1].params.x2", "missing");
        rejects(r -> ((ObjectNode) trial(r, 1).get("params")).put("x3", 1), "$.trials[1].params.x3",
                "trial 1 has a parameter the experiment's space does not define");
        rejects(r -> ((ObjectNode) trial(r, 1).get("params")).putNull("x1"), "$.trials[1].params.x1", "expected a number");
    }

    static final String CONDITIONAL = """
            {"format": "orchard.experiment/1", "name": "c",
             "space": {"params": [
               {"name": "opt", "type": "choice", "values": ["sgd", "adam"]},
               {"name": "momentum", "type": "uniform", "low": 0, "high": 1, "when": {"param": "opt", "values": ["sgd"]}},
               {"name": "layers", "type": "int", "low": 1, "high": 4}]},
             "objective": {"type": "command", "command": "python3 train.py --opt {opt}"},
             "budget": 4}
            """;

    /** An export of the conditional spec with one trial of the given parameters. */
    static String conditional(String params) {
        return """
                {"format": "orchard.export/1",
                 "experiment": {"id": 3, "name": "c", "kind": "sweep", "status": "completed", "spec": SPEC},
                 "trials": [{"number": 0, "params": PARAMS, "state": "completed", "value": 1.0}]}
                """.replace("SPEC", CONDITIONAL).replace("PARAMS", params);
    }

    @Test
    void conditionalChoiceAndIntegerParamsAreCheckedToo() {
        assertThat(parse(conditional("{\"opt\": \"sgd\", \"momentum\": 0.9, \"layers\": 2}")).trials()).hasSize(1);
        assertThat(parse(conditional("{\"opt\": \"adam\", \"layers\": 4}")).trials()).hasSize(1);
        var cases = Map.of(
                "{\"opt\": \"adam\", \"momentum\": 0.9, \"layers\": 2}", List.of("$.trials[0].params.momentum", "inactive"),
                "{\"opt\": \"sgd\", \"layers\": 2}", List.of("$.trials[0].params.momentum", "missing"),
                "{\"opt\": \"rmsprop\", \"layers\": 2}", List.of("$.trials[0].params.opt", "not one of [sgd, adam]"),
                "{\"opt\": \"adam\", \"layers\": 2.5}", List.of("$.trials[0].params.layers", "expected an integer"),
                "{\"opt\": \"adam\", \"layers\": 9}", List.of("$.trials[0].params.layers", "outside [1, 4]"));
        cases.forEach((params, expected) -> assertThatThrownBy(() -> parse(conditional(params))).as(params)
                .isInstanceOf(SpecException.class).hasMessageContaining("trial 0")
                .satisfies(e -> assertThat(((SpecException) e).path()).isEqualTo(expected.get(0)))
                .hasMessageContaining(expected.get(1)));
    }

    @Test
    void unfinishedTrialsAndExperimentsAreStoredAsStoppedSayingWhy() {
        ObjectNode root = (ObjectNode) Json.tree(Json.readMap(ArchiveJson.write(archive())));
        ((ObjectNode) root.get("experiment")).put("status", "running").put("message", "going");
        trial(root, 0).put("state", "running");
        trial(root, 1).put("state", "paused").put("error", "was paused");
        trial(root, 2).put("state", "pending");
        ExperimentArchive a = parse(root.toString());
        assertThat(a.experiment().status()).isEqualTo(ExperimentStatus.STOPPED);
        assertThat(a.experiment().message()).hasValueSatisfying(m -> assertThat(m)
                .startsWith("imported while running (going): it cannot continue here"));
        assertThat(a.trials()).extracting(Trial::state).containsOnly(TrialState.STOPPED);
        assertThat(a.trials().get(0).error()).hasValueSatisfying(e -> assertThat(e).startsWith("imported while running: its process"
                + " and checkpoint stayed where it ran, so it can never continue here"));
        assertThat(a.trials().get(1).error()).hasValueSatisfying(e -> assertThat(e).startsWith("imported while paused").endsWith("; before: was paused"));
        assertThat(a.trials().get(0).value()).as("what it had reported is kept").hasValue(3.25);
        assertThat(a.metrics()).hasSize(5);
    }

    @Test
    void everyTextIsBoundedBeforeAnythingIsStoredAndTheErrorStaysShort() {
        String huge = "n".repeat(9_000_000);
        List<Object[]> cases = List.of(
                new Object[]{(Consumer<ObjectNode>) r -> ((ObjectNode) r.get("experiment")).put("name", huge), "$.experiment.name", "at most 255"},
                new Object[]{(Consumer<ObjectNode>) r -> ((ObjectNode) r.get("experiment")).put("message", huge), "$.experiment.message", "at most 4096"},
                new Object[]{(Consumer<ObjectNode>) r -> ((ObjectNode) r.get("experiment").get("spec")).put("name", huge), "$.experiment.spec.name", "at most 255"},
                new Object[]{(Consumer<ObjectNode>) r -> ((ObjectNode) r.get("experiment").get("spec")).put("description", huge), "$.experiment.spec.description", "at most 65536"},
                new Object[]{(Consumer<ObjectNode>) r -> trial(r, 1).put("error", huge), "$.trials[1].error", "at most 1048576"});
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked") Consumer<ObjectNode> edit = (Consumer<ObjectNode>) c[0];
            ObjectNode root = (ObjectNode) Json.tree(Json.readMap(ArchiveJson.write(archive())));
            edit.accept(root);
            assertThatThrownBy(() -> parse(root.toString())).as((String) c[1]).isInstanceOf(SpecException.class)
                    .satisfies(e -> assertThat(((SpecException) e).path()).isEqualTo(c[1]))
                    .hasMessageContaining("is 9000000 characters long").hasMessageContaining((String) c[2])
                    .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
        }
        rejects(r -> ((ObjectNode) trial(r, 0).get("metrics")).set("m".repeat(256), Json.SPEC.createArrayNode()),
                "$.trials[0].metrics." + "m".repeat(40) + "…", "256 characters long; at most 255");
        rejects(r -> ((ObjectNode) trial(r, 0).get("metrics")).set(" ", Json.SPEC.createArrayNode()), "$.trials[0].metrics. ", "needs a name");
        rejects(r -> trial(r, 1).put("error", 7), "$.trials[1].error", "expected a string");
        rejects(r -> trial(r, 1).put("last_step", "3"), "$.trials[1].last_step", "integer step");
        rejects(r -> ((ObjectNode) r.get("experiment")).put("kind", "x".repeat(100)), "$.experiment.kind", "expected \"sweep\"");
        rejects(r -> ((ObjectNode) r.get("experiment")).put("kind", "pipeline"), "$.experiment.kind", "expected \"sweep\" for this spec");
    }
}
