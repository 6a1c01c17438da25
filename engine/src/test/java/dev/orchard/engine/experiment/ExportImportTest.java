package dev.orchard.engine.experiment;

import dev.orchard.engine.json.ArchiveJson;
import dev.orchard.engine.json.SpecException;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.store.ExperimentSummary;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.MetricPoint;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.orchard.engine.experiment.Specimens.branin;
import static dev.orchard.engine.experiment.Specimens.finish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Export to a file and import it again through the facade: the same trials and metrics, or nothing at all. */
@Timeout(120)
class ExportImportTest {

    @TempDir
    Path dir;
    Orchard orchard;
    long id;

    @BeforeEach
    void runOne() throws Exception {
        orchard = Orchard.open(dir.resolve("history"));
        Sweep sweep = orchard.start(branin("sobol", 8, 4, 3, 4, 0), ctx -> {
            if (ctx.number() == 5) {
                throw new IllegalArgumentException("trial five fails");
            }
            double v = dev.orchard.engine.execute.BuiltinFunctions.get("branin").apply(ctx.params());
            for (int s = 0; s < 4; s++) {
                ctx.report(s, Map.of("value", v + 4 - s, "lr", 0.1 / (s + 1)));
            }
            return v;
        });
        assertThat(finish(sweep, Duration.ofSeconds(60))).isEqualTo(ExperimentStatus.COMPLETED);
        id = sweep.experimentId();
    }

    @AfterEach
    void close() {
        orchard.close();
    }

    static List<Trial> withoutExperimentId(List<Trial> ts) {
        return ts.stream().map(t -> new Trial(0, t.number(), t.params(), t.state(), t.value(), t.lastStep(), t.error(),
                t.startedAt(), t.finishedAt())).toList();
    }

    @Test
    void exportThenImportGivesTheSameTrialsAndMetrics() throws Exception {
        Path file = dir.resolve("out").resolve("export.json");
        orchard.exportTo(id, file);
        assertThat(ArchiveJson.isArchive(dev.orchard.engine.json.Json.tree(dev.orchard.engine.json.Json.readMap(Files.readString(file))))).isTrue();
        assertThat(dir.resolve("out")).isDirectoryNotContaining(p -> p.getFileName().toString().endsWith(".tmp"));

        long copy = orchard.importFrom(file);
        assertThat(copy).isNotEqualTo(id);
        assertThat(withoutExperimentId(orchard.trials(copy))).isEqualTo(withoutExperimentId(orchard.trials(id)));
        assertThat(orchard.trials(copy)).hasSize(8).filteredOn(t -> t.state() == TrialState.FAILED).singleElement()
                .satisfies(t -> assertThat(t.error()).hasValueSatisfying(e -> assertThat(e).contains("trial five fails")));
        List<MetricPoint> original = orchard.metrics(id);
        assertThat(original).hasSize(7 * 4 * 2);
        assertThat(orchard.metrics(copy)).isEqualTo(original);

        var a = orchard.experiment(id).orElseThrow();
        var b = orchard.experiment(copy).orElseThrow();
        assertThat(b.name()).isEqualTo(a.name());
        assertThat(b.status()).isEqualTo(ExperimentStatus.COMPLETED);
        assertThat(b.direction()).isEqualTo(a.direction());
        assertThat(Specs.parse(b.specJson(), "copy")).isEqualTo(Specs.parse(a.specJson(), "original"));
        assertThat(orchard.summary(copy).orElseThrow().best()).isEqualTo(orchard.summary(id).orElseThrow().best());

        // exporting the copy gives the same trials again
        String again = orchard.exportJson(copy);
        assertThat(ArchiveJson.parse(again, "again").trials()).isEqualTo(ArchiveJson.read(file).trials());
    }

    @Test
    void importingABrokenFileStoresNothing() throws Exception {
        String good = orchard.exportJson(id);
        List<ExperimentSummary> before = orchard.experiments();
        List<String> broken = List.of(
                good.substring(0, good.length() / 2),
                good.replace("\"state\" : \"failed\"", "\"state\" : \"exploded\""),
                good.replaceFirst("\"number\" : 1,", "\"number\" : 0,"),
                good.replaceFirst("\"budget\" : 8", "\"budget\" : 8.5"),
                "",
                "{}");
        for (int i = 0; i < broken.size(); i++) {
            Path f = Files.writeString(dir.resolve("broken-" + i + ".json"), broken.get(i));
            assertThat(broken.get(i)).isNotEqualTo(good);
            assertThatThrownBy(() -> orchard.importFrom(f)).as("broken file %d", i).isInstanceOf(SpecException.class)
                    .hasMessageStartingWith(f.toString());
        }
        assertThat(orchard.experiments()).isEqualTo(before);
        assertThatThrownBy(() -> orchard.importFrom(dir.resolve("missing.json"))).isInstanceOf(SpecException.class)
                .hasMessageContaining("no such file");
        assertThatThrownBy(() -> orchard.exportJson(9999)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("9999");
    }

    @Test
    void anImportIsARecordAndResumeSaysWhyNot() throws Exception {
        // an experiment that had not ended where it ran: its unfinished trials come in stopped
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) dev.orchard.engine.json.Json.tree(
                dev.orchard.engine.json.Json.readMap(orchard.exportJson(id)));
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("experiment")).put("status", "paused");
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("trials").get(0)).put("state", "running");
        Path file = Files.writeString(dir.resolve("paused.json"), json.toString());
        long copy = orchard.importFrom(file);
        assertThat(orchard.experiment(copy).orElseThrow().status()).isEqualTo(ExperimentStatus.STOPPED);
        assertThat(orchard.trials(copy)).extracting(Trial::state).doesNotContain(TrialState.RUNNING, TrialState.PAUSED, TrialState.PENDING);
        assertThatThrownBy(() -> orchard.resume(copy)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("experiment " + copy + " was imported from an export file and all its trials have ended:"
                        + " there is nothing to resume").hasMessageContaining("orchard run EXPORT.json")
                .hasMessageNotContaining("Java objective");
        assertThatThrownBy(() -> orchard.resume(copy, ctx -> 1.0)).hasMessageContaining("was imported");

        // imported by an earlier version, still marked paused with a running trial: the same reason, not "a Java objective"
        var archive = ArchiveJson.read(file);
        var old = new dev.orchard.engine.store.ExperimentArchive(new dev.orchard.engine.store.ExperimentRecord(0, java.util.Optional.empty(),
                "old", "sweep", archive.experiment().direction(), archive.experiment().specJson(), java.util.Optional.empty(),
                ExperimentStatus.PAUSED, java.util.Optional.empty(), archive.experiment().createdAt(), archive.experiment().createdAt()),
                List.of(new Trial(0, 0, Map.of("x1", 1.0, "x2", 2.0), TrialState.RUNNING, java.util.OptionalDouble.empty(), -1,
                        java.util.Optional.empty(), archive.experiment().createdAt(), java.util.Optional.empty())), List.of());
        long oldId = orchard.store().importArchive(old);
        assertThatThrownBy(() -> orchard.resume(oldId)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was imported from an export file while 1 trial was not finished")
                .hasMessageContaining("cannot continue here");
    }

    @Test
    void resumingAnImportedCommandExperimentNamesTheCommandAndItsFolder() throws Exception {
        String spec = """
                {"format": "orchard.experiment/1", "name": "cmd",
                 "space": {"params": [{"name": "lr", "type": "uniform", "low": 0, "high": 1}]},
                 "objective": {"type": "command", "command": "python3 train.py --lr {lr}", "workdir": "trainer"},
                 "budget": 3}
                """;
        String export = """
                {"format": "orchard.export/1", "experiment": {"name": "cmd", "kind": "sweep", "status": "interrupted", "spec": SPEC},
                 "trials": [{"number": 0, "params": {"lr": 0.5}, "state": "completed", "value": 0.25}]}
                """.replace("SPEC", spec);
        long copy = orchard.importFrom(Files.writeString(dir.resolve("cmd.json"), export));
        assertThatThrownBy(() -> orchard.resume(copy)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nothing to resume")
                .hasMessageContaining("its trials run 'python3 train.py --lr {lr}' in 'trainer' inside the folder of EXPORT.json")
                .hasMessageContaining("set the spec's \"workdir\"");
    }

    @Test
    void longNamesGetAClearErrorBeforeAnythingIsStored() {
        String longName = "n".repeat(256);
        List<ExperimentSummary> before = orchard.experiments();
        assertThatThrownBy(() -> orchard.start(branin("sobol", 4, 2, 1, 0, 0).withName(longName), dir))
                .isInstanceOf(SpecException.class).hasMessageContaining("$.name: is 256 characters long; at most 255")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
        var pipeline = Specs.parse("""
                {"format": "orchard.experiment/1", "name": "NAME",
                 "space": {"params": [{"name": "x1", "type": "uniform", "low": -5, "high": 10},
                                      {"name": "x2", "type": "uniform", "low": 0, "high": 15}]},
                 "objective": {"type": "builtin", "function": "branin"}, "budget": 2,
                 "pipeline": {"stages": [{"name": "s", "type": "sweep"}]}}
                """, "p");
        assertThatThrownBy(() -> orchard.startPipeline(pipeline.withName(longName), dir))
                .isInstanceOf(SpecException.class).hasMessageContaining("$.name: is 256 characters long; at most 255");
        var javaPipeline = dev.orchard.engine.pipeline.Pipeline.create(longName).stage("one", () -> 1.0).build();
        assertThatThrownBy(() -> orchard.startPipeline(javaPipeline, null))
                .isInstanceOf(dev.orchard.engine.store.StoreException.class)
                .hasMessageContaining("experiment name '" + "n".repeat(40) + "…' is 256 characters long; at most 255 are kept");
        assertThat(orchard.experiments()).isEqualTo(before);
    }
}
