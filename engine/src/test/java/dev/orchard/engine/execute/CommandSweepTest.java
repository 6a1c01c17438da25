package dev.orchard.engine.execute;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.experiment.ExperimentSpec;
import dev.orchard.engine.experiment.ObjectiveSpec;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.experiment.Sweep;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.SampleProjects;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.MetricPoint;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Sweeps whose trials are real processes: the python-trainer sample, and a stop that ends running processes. */
class CommandSweepTest {

    @TempDir
    Path dir;
    Orchard orchard;
    final List<EngineEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        orchard = Orchard.open(dir.resolve("history"));
        orchard.events().subscribe(events::add);
    }

    @AfterEach
    void close() {
        orchard.close();
    }

    static ExperimentStatus finish(Sweep sweep, Duration timeout) throws InterruptedException {
        var s = sweep.await(timeout);
        if (s.isEmpty()) {
            sweep.stop();
            throw new AssertionError("sweep did not end within " + timeout + "; status " + sweep.status());
        }
        return s.get();
    }

    static Map<String, Object> readJson(Path file) {
        try {
            return Json.readMap(Files.readString(file));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void pythonTrainerSampleRunsAndReportsEveryEpoch() throws Exception {
        assumeTrue(Processes.onPath("python3"), "python3 is not on the PATH");
        Path file = SampleProjects.sample("python-trainer", "experiment.json");
        ExperimentSpec spec = Specs.read(file).withBudget(4);
        Sweep sweep = orchard.start(spec, file.getParent());
        assertThat(finish(sweep, Duration.ofSeconds(120))).isEqualTo(ExperimentStatus.COMPLETED);
        orchard.flush();
        long id = sweep.experimentId();

        List<Trial> trials = orchard.trials(id);
        assertThat(trials).hasSize(4);
        Map<Integer, List<MetricPoint>> byTrial = orchard.metrics(id).stream().collect(Collectors.groupingBy(MetricPoint::trial));
        for (Trial t : trials) {
            assertThat(t.state()).as("trial %d: %s", t.number(), t.error().orElse("")).isEqualTo(TrialState.COMPLETED);
            int epochs = ((Number) t.params().get("epochs")).intValue();
            assertThat(epochs).isBetween(5, 20);
            assertThat(t.lastStep()).isEqualTo(epochs);

            List<MetricPoint> ms = byTrial.get(t.number());
            List<MetricPoint> loss = ms.stream().filter(m -> m.name().equals("loss")).toList();
            List<MetricPoint> acc = ms.stream().filter(m -> m.name().equals("accuracy")).toList();
            assertThat(loss).extracting(MetricPoint::step)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, epochs).boxed().toList());
            assertThat(acc).hasSize(epochs).allSatisfy(m -> assertThat(m.value()).isBetween(0.0, 1.0));
            assertThat(t.value()).hasValue(loss.get(loss.size() - 1).value());

            String log = Files.readString(orchard.trialLog(id, t.number()));
            assertThat(log).contains("trial " + t.number() + ": lr=").contains("epoch 1/" + epochs)
                    .contains("epoch " + epochs + "/" + epochs).contains("done: a=");

        }
        // each trial checkpointed its last epoch into its own ORCHARD_CHECKPOINT_DIR (where that is is the sweep's choice)
        List<Integer> checkpointed;
        try (var files = Files.walk(dir)) {
            checkpointed = files.filter(p -> p.getFileName().toString().equals("checkpoint.json"))
                    .map(p -> ((Number) readJson(p).get("epoch")).intValue()).toList();
        }
        assertThat(checkpointed).containsExactlyInAnyOrderElementsOf(
                trials.stream().map(t -> ((Number) t.params().get("epochs")).intValue()).toList());
        assertThat(orchard.summary(id).orElseThrow().best())
                .hasValueCloseTo(trials.stream().mapToDouble(t -> t.value().getAsDouble()).min().orElseThrow(), within(0.0));
    }

    @Test
    void stoppingASweepEndsItsRunningProcessTreesPromptly() throws Exception {
        assumeTrue(Processes.onPath("sh") && Processes.onPath("sleep"), "needs sh and sleep");
        ExperimentSpec base = Specs.parse("""
                {"format": "orchard.experiment/1", "name": "long",
                 "space": {"params": [{"name": "x", "type": "uniform", "low": 0, "high": 1}]},
                 "scheduler": {"type": "sync_batch", "batch_size": 2},
                 "objective": {"type": "command", "metric": "loss", "timeout_seconds": 300,
                   "command": ["sh", "-c", "sleep 300 & echo $! >> pids-{trial}; echo $$ >> pids-{trial}; echo running {x}; wait"]},
                 "budget": 10}
                """, "long.json");
        Sweep sweep = orchard.start(base, dir);
        long id = sweep.experimentId();
        // the command runs in the spec's directory, so its pid files are there
        List<Long> pids = new java.util.ArrayList<>(Processes.awaitPids(dir.resolve("pids-0"), 2, Duration.ofSeconds(20)));
        pids.addAll(Processes.awaitPids(dir.resolve("pids-1"), 2, Duration.ofSeconds(20)));
        assertThat(pids).hasSize(4).allMatch(Processes::running);

        sweep.stop();
        assertThat(finish(sweep, Duration.ofSeconds(20))).isEqualTo(ExperimentStatus.STOPPED);
        assertThat(Processes.allGone(pids, Duration.ofSeconds(10))).as("processes %s are gone", pids).isTrue();
        orchard.flush();
        List<Trial> trials = orchard.trials(id);
        assertThat(trials).hasSize(2).allSatisfy(t -> {
            assertThat(t.state()).isEqualTo(TrialState.STOPPED);
            assertThat(t.error()).contains("stopped by the user");
        });
        assertThat(Files.readString(orchard.trialLog(id, 0))).startsWith("running ");
    }

    @Test
    void commandTrialsThatFailAreRecordedAndTheSweepGoesOn() throws Exception {
        assumeTrue(Processes.onPath("sh"), "needs sh");
        ExperimentSpec spec = Specs.parse("""
                {"format": "orchard.experiment/1", "name": "mixed",
                 "space": {"params": [{"name": "k", "type": "int", "low": 0, "high": 3}]},
                 "optimizer": "sobol",
                 "scheduler": {"type": "sync_batch", "batch_size": 2},
                 "objective": {"type": "command", "metric": "loss",
                   "command": ["sh", "-c", "case {k} in 0) exit 3;; 1) echo '@orchard {{\\"loss\\": NaN}}';; *) echo '@orchard {{\\"loss\\": {k}}}';; esac"]},
                 "budget": 8, "seed": 4}
                """, "mixed.json");
        Sweep sweep = orchard.start(spec, dir);
        assertThat(finish(sweep, Duration.ofSeconds(60))).isEqualTo(ExperimentStatus.COMPLETED);
        orchard.flush();
        List<Trial> trials = orchard.trials(sweep.experimentId());
        assertThat(trials).hasSize(8);
        for (Trial t : trials) {
            long k = ((Number) t.params().get("k")).longValue();
            if (k == 0) {
                assertThat(t.state()).isEqualTo(TrialState.FAILED);
                assertThat(t.error()).hasValueSatisfying(e -> assertThat(e).startsWith("exit code 3"));
            } else if (k == 1) {
                assertThat(t.state()).isEqualTo(TrialState.FAILED);
                assertThat(t.error()).hasValueSatisfying(e -> assertThat(e).contains("metric 'loss' was NaN"));
            } else {
                assertThat(t.state()).isEqualTo(TrialState.COMPLETED);
                assertThat(t.value()).hasValue(k);
            }
        }
        // a Sobol design over four integers covers each of them twice in eight trials
        assertThat(trials.stream().map(t -> ((Number) t.params().get("k")).longValue()).collect(Collectors.groupingBy(k -> k,
                Collectors.counting()))).containsOnly(Map.entry(0L, 2L), Map.entry(1L, 2L), Map.entry(2L, 2L), Map.entry(3L, 2L));
        assertThat(events).filteredOn(e -> e instanceof EngineEvent.TrialFinished).hasSize(8);
    }

    @Test
    void aMetricNameTooLongToStoreIsAMalformedLineAndEveryOtherMetricIsStored() throws Exception {
        assumeTrue(Processes.onPath("sh") && Processes.onPath("head") && Processes.onPath("tr"), "needs sh, head and tr");
        ExperimentSpec spec = Specs.parse("""
                {"format": "orchard.experiment/1", "name": "long-name",
                 "space": {"params": [{"name": "k", "type": "int", "low": 1, "high": 4}]},
                 "optimizer": "sobol", "scheduler": {"type": "sync_batch", "batch_size": 4},
                 "objective": {"type": "command", "metric": "loss",
                   "command": ["sh", "-c", "n=$(head -c 300 /dev/zero | tr '\\\\0' m); echo \\"@orchard {{\\\\\\"$n\\\\\\": 1, \\\\\\"acc\\\\\\": 0.5}}\\"; echo '@orchard {{\\"loss\\": {k}}}'"]},
                 "budget": 4, "seed": 4}
                """, "long.json");
        Sweep sweep = orchard.start(spec, dir);
        assertThat(finish(sweep, Duration.ofSeconds(60))).isEqualTo(ExperimentStatus.COMPLETED);
        orchard.flush();
        for (Trial t : orchard.trials(sweep.experimentId())) {
            assertThat(t.state()).isEqualTo(TrialState.COMPLETED);
            assertThat(orchard.metrics(sweep.experimentId(), t.number())).extracting(MetricPoint::name).containsExactly("loss");
            assertThat(Files.readString(orchard.trialLog(sweep.experimentId(), t.number())))
                    .contains("[orchard] ignored malformed metric line 1: metric name 'mmmm").contains("is 300 characters long; at most 255");
        }
    }

    @Test
    void theWorkdirOfACommandResolvesAgainstTheSpecFolder() throws Exception {
        assumeTrue(Processes.onPath("sh"), "needs sh");
        Files.createDirectories(dir.resolve("project").resolve("sub"));
        Files.writeString(dir.resolve("project").resolve("sub").resolve("value.txt"), "0.125");
        ExperimentSpec spec = Specs.parse("""
                {"format": "orchard.experiment/1", "name": "wd",
                 "space": {"params": [{"name": "x", "type": "uniform", "low": 0, "high": 1}]},
                 "objective": {"type": "command", "workdir": "sub", "metric": "loss",
                   "command": "sh -c 'echo \\"@orchard {{\\\\\\"loss\\\\\\": $(cat value.txt)}}\\"'"},
                 "budget": 1}
                """, "wd.json");
        assertThat(((ObjectiveSpec.Command) spec.objective()).workdir()).isEqualTo("sub");
        Sweep sweep = orchard.start(spec, dir.resolve("project"));
        assertThat(finish(sweep, Duration.ofSeconds(30))).isEqualTo(ExperimentStatus.COMPLETED);
        orchard.flush();
        assertThat(orchard.trials(sweep.experimentId())).singleElement()
                .satisfies(t -> assertThat(t.value()).as(t.error().orElse("")).hasValue(0.125));
        assertThat(orchard.experiment(sweep.experimentId()).orElseThrow().baseDir()).contains(dir.resolve("project").toString());
    }
}
