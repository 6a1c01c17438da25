package dev.orchard.engine.experiment;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.MetricPoint;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static dev.orchard.engine.experiment.Specimens.awaitTrue;
import static dev.orchard.engine.experiment.Specimens.branin;
import static dev.orchard.engine.experiment.Specimens.finish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Sweeps through the {@link Orchard} facade on a real H2 file: run, reproduce, pause, resume, stop, fail. */
class SweepTest {
    static final Duration LONG = Duration.ofSeconds(60);

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

    List<ExperimentStatus> statuses(long id) {
        return events.stream().filter(e -> e instanceof EngineEvent.ExperimentStatusChanged s && s.experimentId() == id)
                .map(e -> ((EngineEvent.ExperimentStatusChanged) e).status()).toList();
    }

    long started(long id) {
        return events.stream().filter(e -> e instanceof EngineEvent.TrialStarted t && t.experimentId() == id).count();
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "sobol"})
    void braninSweepRunsItsWholeBudgetAndStoresEverything(String optimizer) throws Exception {
        Sweep sweep = orchard.start(branin(optimizer, 40, 4, 11, 5, 0), dir);
        assertThat(finish(sweep, LONG)).isEqualTo(ExperimentStatus.COMPLETED);
        orchard.flush();
        long id = sweep.experimentId();

        List<Trial> trials = orchard.trials(id);
        assertThat(trials).hasSize(40);
        assertThat(trials).extracting(Trial::number).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 40).boxed().toList());
        assertThat(trials).allSatisfy(t -> {
            assertThat(t.state()).isEqualTo(TrialState.COMPLETED);
            assertThat(t.value()).isPresent();
            assertThat(t.lastStep()).isEqualTo(4);
            assertThat(t.finishedAt()).isPresent();
            assertThat(t.params()).containsOnlyKeys("x1", "x2");
            double x1 = ((Number) t.params().get("x1")).doubleValue(), x2 = ((Number) t.params().get("x2")).doubleValue();
            assertThat(t.value().getAsDouble()).isCloseTo(
                    dev.orchard.engine.execute.BuiltinFunctions.branin(new double[]{x1, x2}), within(1e-9));
        });

        List<MetricPoint> metrics = orchard.metrics(id);
        assertThat(metrics).hasSize(40 * 5).allMatch(m -> m.name().equals("value"));
        Map<Integer, List<MetricPoint>> byTrial = metrics.stream().collect(Collectors.groupingBy(MetricPoint::trial));
        assertThat(byTrial).hasSize(40);
        for (Trial t : trials) {
            List<MetricPoint> curve = byTrial.get(t.number());
            assertThat(curve).extracting(MetricPoint::step).containsExactly(0L, 1L, 2L, 3L, 4L);
            // the curve decays towards the trial's value and ends on it
            assertThat(curve.get(4).value()).isEqualTo(t.value().getAsDouble());
            assertThat(curve.get(0).value()).isGreaterThan(curve.get(4).value());
        }

        double min = trials.stream().mapToDouble(t -> t.value().getAsDouble()).min().orElseThrow();
        assertThat(sweep.best()).hasValueSatisfying(b -> assertThat(b.value()).hasValue(min));
        assertThat(orchard.summary(id).orElseThrow().best()).hasValue(min);
        assertThat(orchard.summary(id).orElseThrow().completed()).isEqualTo(40);
        assertThat(orchard.experiment(id).orElseThrow().status()).isEqualTo(ExperimentStatus.COMPLETED);
        assertThat(sweep.finishedTrials()).isEqualTo(40);
        assertThat(statuses(id)).containsExactly(ExperimentStatus.RUNNING, ExperimentStatus.COMPLETED);
        // batches of four: a trial starts only when the previous batch has finished
        assertThat(trials.get(4).startedAt()).isAfterOrEqualTo(trials.subList(0, 4).stream()
                .map(t -> t.finishedAt().orElseThrow()).max(java.util.Comparator.naturalOrder()).orElseThrow());
        assertThat(orchard.activeSweeps()).doesNotContain(sweep);
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "sobol"})
    void sameSeedGivesTheSameTrialsInANewExperiment(String optimizer) throws Exception {
        Sweep a = orchard.start(branin(optimizer, 12, 4, 5, 0, 0), dir);
        Sweep b = orchard.start(branin(optimizer, 12, 3, 5, 0, 0), dir); // a different batch size does not matter
        Sweep c = orchard.start(branin(optimizer, 12, 4, 6, 0, 0), dir);
        for (Sweep s : List.of(a, b, c)) {
            assertThat(finish(s, LONG)).isEqualTo(ExperimentStatus.COMPLETED);
        }
        orchard.flush();
        var pa = orchard.trials(a.experimentId()).stream().map(Trial::params).toList();
        var pb = orchard.trials(b.experimentId()).stream().map(Trial::params).toList();
        var pc = orchard.trials(c.experimentId()).stream().map(Trial::params).toList();
        assertThat(pa).hasSize(12).isEqualTo(pb);
        assertThat(pc).hasSize(12).doesNotContainAnyElementsOf(pa);
        assertThat(orchard.trials(a.experimentId()).stream().map(Trial::value).toList())
                .isEqualTo(orchard.trials(b.experimentId()).stream().map(Trial::value).toList());
    }

    /**
     * Pauses the sweep from inside the event delivery of the start of trial {@code number}: the bus is synchronous,
     * so the pause lands while that trial's batch is being launched, however slow the machine.
     */
    void pauseWhenTrialStarts(int number) {
        var once = new java.util.concurrent.atomic.AtomicBoolean();
        orchard.events().subscribe(e -> {
            // once: a resumed trial starts again
            if (e instanceof EngineEvent.TrialStarted t && t.trial().number() == number && once.compareAndSet(false, true)) {
                orchard.activeSweeps().stream().filter(s -> s.experimentId() == t.experimentId()).forEach(Sweep::pause);
            }
        });
    }

    @Test
    void pauseCheckpointsRunningTrialsAndLaunchesNoneUntilResumed() throws Exception {
        pauseWhenTrialStarts(0);
        Sweep sweep = orchard.start(branin("sobol", 12, 4, 1, 3, 150), dir);
        long id = sweep.experimentId();
        awaitTrue("status PAUSED", LONG, () -> sweep.status() == ExperimentStatus.PAUSED);
        assertThat(sweep.isPaused()).isTrue();

        // the pause reached the first batch as it started: its trials were asked to checkpoint and exit
        List<Trial> atPause = orchard.trials(id);
        assertThat(atPause).hasSize(4).allMatch(t -> t.state() == TrialState.PAUSED);
        assertThat(orchard.experiment(id).orElseThrow().status()).isEqualTo(ExperimentStatus.PAUSED);
        assertThat(started(id)).isEqualTo(4);
        Thread.sleep(400); // longer than two trials take: nothing may start meanwhile
        assertThat(started(id)).isEqualTo(4);
        assertThat(sweep.status()).isEqualTo(ExperimentStatus.PAUSED);
        assertThat(sweep.finishedTrials()).isZero();

        sweep.resume();
        assertThat(finish(sweep, LONG)).isEqualTo(ExperimentStatus.COMPLETED);
        orchard.flush();
        // the paused trials continued (same numbers, same configurations) and eight more ran
        assertThat(orchard.trials(id)).hasSize(12).allMatch(t -> t.state() == TrialState.COMPLETED);
        assertThat(orchard.trials(id).subList(0, 4)).extracting(Trial::params)
                .containsExactlyElementsOf(atPause.stream().map(Trial::params).toList());
        assertThat(statuses(id)).containsExactly(ExperimentStatus.RUNNING, ExperimentStatus.PAUSING,
                ExperimentStatus.PAUSED, ExperimentStatus.RUNNING, ExperimentStatus.COMPLETED);
        assertThat(orchard.experiment(id).orElseThrow().status()).isEqualTo(ExperimentStatus.COMPLETED);
        // a finished sweep ignores pause, resume and stop
        sweep.pause();
        sweep.stop();
        assertThat(sweep.isPaused()).isFalse();
        assertThat(sweep.status()).isEqualTo(ExperimentStatus.COMPLETED);
    }

    @Test
    void pausedSweepCanBeStopped() throws Exception {
        pauseWhenTrialStarts(0);
        Sweep sweep = orchard.start(branin("random", 10, 2, 1, 2, 60), dir);
        awaitTrue("status PAUSED", LONG, () -> sweep.status() == ExperimentStatus.PAUSED);
        sweep.stop();
        assertThat(finish(sweep, LONG)).isEqualTo(ExperimentStatus.STOPPED);
        orchard.flush();
        // the trials paused with the sweep end as stopped
        assertThat(orchard.trials(sweep.experimentId())).hasSize(2).allMatch(t -> t.state() == TrialState.STOPPED);
        assertThat(orchard.experiment(sweep.experimentId()).orElseThrow().status()).isEqualTo(ExperimentStatus.STOPPED);
    }

    @Test
    void stopEndsRunningTrialsAsStoppedAndLaunchesNoMore() throws Exception {
        // each trial would take 30 s: only a stop ends it early
        Sweep sweep = orchard.start(branin("random", 40, 4, 3, 300, 30_000), dir);
        long id = sweep.experimentId();
        awaitTrue("four trials started", LONG, () -> started(id) == 4);
        sweep.stop();
        assertThat(finish(sweep, Duration.ofSeconds(20))).isEqualTo(ExperimentStatus.STOPPED);
        orchard.flush();
        List<Trial> trials = orchard.trials(id);
        assertThat(trials).hasSize(4).hasSizeLessThan(40);
        assertThat(trials).allSatisfy(t -> {
            assertThat(t.state()).isEqualTo(TrialState.STOPPED);
            assertThat(t.value()).isEmpty();
            assertThat(t.error()).contains("stopped by the user");
            assertThat(t.finishedAt()).isPresent();
        });
        assertThat(orchard.experiment(id).orElseThrow().status()).isEqualTo(ExperimentStatus.STOPPED);
        assertThat(statuses(id)).containsSubsequence(ExperimentStatus.STOPPING, ExperimentStatus.STOPPED);
        assertThat(orchard.activeSweeps()).isEmpty();
    }

    @Test
    void stopRightAfterStartNeverHangs() throws Exception {
        for (int i = 0; i < 25; i++) {
            Sweep sweep = orchard.start(branin("random", 8, 4, i, 50, 5_000), dir);
            sweep.stop();
            assertThat(finish(sweep, Duration.ofSeconds(20))).as("attempt %d", i).isEqualTo(ExperimentStatus.STOPPED);
        }
        orchard.flush();
        assertThat(orchard.experiments()).hasSize(25)
                .allSatisfy(e -> assertThat(e.experiment().status()).isEqualTo(ExperimentStatus.STOPPED))
                .allSatisfy(e -> assertThat(e.completed()).isZero());
    }

    @Test
    void failedTrialsAreRecordedWithTheirMessageAndTheSweepGoesOn() throws Exception {
        Sweep sweep = orchard.start(branin("sobol", 12, 3, 2, 0, 0), ctx -> {
            switch (ctx.number() % 4) {
                case 1:
                    throw new IllegalStateException("diverged at step 3");
                case 2:
                    return Double.NaN;
                case 3:
                    ctx.report(0, Map.of("loss", Double.POSITIVE_INFINITY));
                    return 1;
                default:
                    ctx.report(0, Map.of("loss", 0.5, "acc", 0.75));
                    return ctx.number();
            }
        });
        assertThat(finish(sweep, LONG)).isEqualTo(ExperimentStatus.COMPLETED);
        orchard.flush();
        List<Trial> trials = orchard.trials(sweep.experimentId());
        assertThat(trials).hasSize(12);
        for (Trial t : trials) {
            switch (t.number() % 4) {
                case 1 -> {
                    assertThat(t.state()).isEqualTo(TrialState.FAILED);
                    assertThat(t.error()).contains("IllegalStateException: diverged at step 3");
                }
                case 2 -> {
                    assertThat(t.state()).isEqualTo(TrialState.FAILED);
                    assertThat(t.error()).hasValueSatisfying(m -> assertThat(m).contains("NaN").contains("not a finite number"));
                }
                case 3 -> {
                    assertThat(t.state()).isEqualTo(TrialState.FAILED);
                    assertThat(t.error()).hasValueSatisfying(m -> assertThat(m).contains("metric 'loss'").contains("Infinity"));
                }
                default -> {
                    assertThat(t.state()).isEqualTo(TrialState.COMPLETED);
                    assertThat(t.value()).hasValue(t.number());
                    assertThat(t.lastStep()).isZero();
                }
            }
            assertThat(t.value().isPresent()).isEqualTo(t.state() == TrialState.COMPLETED);
        }
        var summary = orchard.summary(sweep.experimentId()).orElseThrow();
        assertThat(summary.failed()).isEqualTo(9);
        assertThat(summary.completed()).isEqualTo(3);
        assertThat(summary.best()).hasValue(0.0);
        assertThat(orchard.metrics(sweep.experimentId())).extracting(MetricPoint::name).containsOnly("loss", "acc").hasSize(6);
    }

    @Test
    void javaObjectiveSeesItsParamsAndReportsMetrics() throws Exception {
        var seen = new CopyOnWriteArrayList<Map<String, Object>>();
        var spec = branin("random", 6, 2, 9, 0, 0);
        spec = new ExperimentSpec(spec.format(), "maximise", null, spec.space(), spec.optimizer(), spec.scheduler(),
                spec.objective(), spec.budget(), spec.seed(), dev.orchard.engine.trial.Direction.MAXIMIZE);
        AtomicInteger calls = new AtomicInteger();
        Sweep sweep = orchard.start(spec, ctx -> {
            calls.incrementAndGet();
            seen.add(ctx.params());
            assertThat(ctx.experimentId()).isPositive();
            double x1 = (Double) ctx.params().get("x1");
            for (int s = 0; s < 3; s++) {
                ctx.report(s, x1 * s);
            }
            return x1;
        });
        assertThat(finish(sweep, LONG)).isEqualTo(ExperimentStatus.COMPLETED);
        orchard.flush();
        long id = sweep.experimentId();
        assertThat(calls).hasValue(6);
        List<Trial> trials = orchard.trials(id);
        assertThat(trials.stream().map(Trial::params).toList()).containsExactlyInAnyOrderElementsOf(seen);
        double max = trials.stream().mapToDouble(t -> t.value().getAsDouble()).max().orElseThrow();
        assertThat(sweep.best().orElseThrow().value()).hasValue(max);
        assertThat(orchard.summary(id).orElseThrow().best()).hasValue(max);
        assertThat(orchard.metrics(id)).hasSize(18).allMatch(m -> m.name().equals("value"));
        assertThat(orchard.trials(id)).allMatch(t -> t.lastStep() == 2);
        // the spec (with its own objective) is what the experiment records
        assertThat(orchard.experiment(id).orElseThrow().specJson()).contains("\"branin\"").contains("maximize");
    }

    @Test
    void closingTheFacadePausesRunningSweepsSoTheyCanBeResumed() throws Exception {
        Sweep sweep = orchard.start(branin("random", 8, 2, 3, 100, 10_000), dir);
        long id = sweep.experimentId();
        awaitTrue("trials started", LONG, () -> started(id) == 2);
        orchard.close();
        assertThat(sweep.status()).isEqualTo(ExperimentStatus.PAUSED);
        assertThat(sweep.completion()).isDone();
        try (Orchard again = Orchard.open(dir.resolve("history"))) {
            assertThat(again.experiment(id).orElseThrow().status()).isEqualTo(ExperimentStatus.PAUSED);
            assertThat(again.trials(id)).hasSize(2).allMatch(t -> t.state() == TrialState.PAUSED);
        }
        orchard = Orchard.open(dir.resolve("history")); // for @AfterEach
    }
}
