package dev.orchard.engine.experiment;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.execute.Objective;
import dev.orchard.engine.schedule.Decision;
import dev.orchard.engine.schedule.Launch;
import dev.orchard.engine.schedule.Scheduler;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.MetricPoint;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.orchard.engine.experiment.Specimens.awaitTrue;
import static dev.orchard.engine.experiment.Specimens.branin;
import static dev.orchard.engine.experiment.Specimens.finish;
import static org.assertj.core.api.Assertions.assertThat;

/** Pausing, resuming and stopping single trials; a closed engine's sweep resumed; scheduler decisions carried out. */
class SweepControlTest {
    static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    Orchard orchard;
    final List<EngineEvent> events = new CopyOnWriteArrayList<>();
    /** Where each run of a trial started: trial number → the step it resumed from (0 for a fresh start). */
    final Map<Integer, List<Integer>> startedFrom = new ConcurrentHashMap<>();

    @BeforeEach
    void open() {
        orchard = Orchard.open(dir.resolve("history"));
        orchard.events().subscribe(events::add);
    }

    @AfterEach
    void close() {
        orchard.close();
    }

    /**
     * Counts {@code steps} steps of {@code sleepMs}, reporting x1 + step; asked to stop, it checkpoints the next step
     * and returns; started with a checkpoint, it continues from it.
     */
    Objective counting(int steps, long sleepMs) {
        return ctx -> {
            int from = ctx.resumeFrom().map(d -> d.resolve("step")).filter(Files::isRegularFile)
                    .map(f -> Integer.parseInt(read(f))).orElse(0);
            startedFrom.computeIfAbsent(ctx.number(), k -> new CopyOnWriteArrayList<>()).add(from);
            double x = ((Number) ctx.params().get("x1")).doubleValue();
            for (int s = from; s < steps; s++) {
                if (ctx.stopRequested()) {
                    Files.writeString(ctx.checkpointDir().resolve("step"), String.valueOf(s));
                    return x;
                }
                Thread.sleep(sleepMs);
                ctx.report(s, x + s);
            }
            return x;
        };
    }

    static String read(Path f) {
        try {
            return Files.readString(f).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    List<Long> steps(long id, int trial) {
        orchard.flush();
        return orchard.metrics(id, trial).stream().filter(m -> m.name().equals("value")).map(MetricPoint::step).toList();
    }

    Trial trial(long id, int n) {
        return orchard.trials(id).stream().filter(t -> t.number() == n).findFirst().orElseThrow();
    }

    boolean reported(long id, int trial, long step) {
        return events.stream().anyMatch(e -> e instanceof EngineEvent.TrialMetrics m && m.experimentId() == id
                && m.trial() == trial && m.step() >= step);
    }

    @Test
    void aPausedTrialWaitsWhileOthersGoOnAndContinuesFromItsCheckpoint() throws Exception {
        Sweep sweep = orchard.start(branin("random", 3, 2, 1, 0, 0), counting(20, 15));
        long id = sweep.experimentId();
        awaitTrue("trial 0 at step 3", LONG, () -> reported(id, 0, 3));
        sweep.pauseTrial(0);
        awaitTrue("trial 0 paused", LONG, () -> trial(id, 0).state() == TrialState.PAUSED);
        // the others run on; when nothing else is left, the sweep waits for the paused trial
        awaitTrue("the sweep waiting", LONG, () -> sweep.status() == ExperimentStatus.PAUSED);
        assertThat(orchard.trials(id)).hasSize(3);
        assertThat(orchard.trials(id).subList(1, 3)).allMatch(t -> t.state() == TrialState.COMPLETED);
        assertThat(events).anyMatch(e -> e instanceof EngineEvent.TrialPaused p && p.trial().number() == 0);

        sweep.resumeTrial(0);
        assertThat(finish(sweep, LONG)).isEqualTo(ExperimentStatus.COMPLETED);
        assertThat(trial(id, 0).state()).isEqualTo(TrialState.COMPLETED);
        assertThat(startedFrom.get(0)).hasSize(2);
        assertThat(startedFrom.get(0).get(1)).isGreaterThanOrEqualTo(3);
        assertThat(steps(id, 0)).as("each step once, the series whole").containsExactlyElementsOf(
                java.util.stream.LongStream.range(0, 20).boxed().toList());
    }

    @Test
    void stoppingOneTrialEndsItAndTheSweepGoesOn() throws Exception {
        Sweep sweep = orchard.start(branin("random", 4, 2, 1, 0, 0), counting(200, 10));
        long id = sweep.experimentId();
        awaitTrue("trial 1 running", LONG, () -> reported(id, 1, 1));
        sweep.stopTrial(1);
        awaitTrue("trial 1 stopped", LONG, () -> trial(id, 1).state() == TrialState.STOPPED);
        assertThat(trial(id, 1).error()).contains("stopped by the user");
        awaitTrue("a trial started after it", LONG, () -> orchard.trials(id).size() >= 3);
        sweep.stop();
        assertThat(finish(sweep, LONG)).isEqualTo(ExperimentStatus.STOPPED);
    }

    /**
     * TPE and CMA-ES rebuild from the re-observed history what their state leaves out (observations; the results of a
     * half-done generation: CMA-ES's second generation of six is trials 6 to 11, so at trial 8 it holds two results, and
     * trials 12 to 15 come from the distribution it updates).
     */
    @ParameterizedTest
    @ValueSource(strings = {"tpe", "cmaes"})
    @org.junit.jupiter.api.Timeout(180)
    void aSweepLeftPausedByAClosedEngineIsResumedAndSuggestsWhatAnUninterruptedOneWould(String optimizer) throws Exception {
        var spec = branin(optimizer, 16, 2, 5, 10, 200);
        Sweep sweep = orchard.start(spec, dir);
        long id = sweep.experimentId();
        awaitTrue("trial 8 half-way", LONG, () -> reported(id, 8, 4));
        orchard.close(); // pauses: the running trials checkpoint and exit
        orchard = Orchard.open(dir.resolve("history"));
        assertThat(orchard.experiment(id).orElseThrow().status()).isEqualTo(ExperimentStatus.PAUSED);
        List<Trial> before = orchard.trials(id);
        assertThat(before).anyMatch(t -> t.state() == TrialState.PAUSED);

        Sweep resumed = orchard.resume(id);
        assertThat(finish(resumed, LONG)).isEqualTo(ExperimentStatus.COMPLETED);
        List<Trial> after = orchard.trials(id);
        assertThat(after).hasSize(16).allMatch(t -> t.state() == TrialState.COMPLETED);
        for (Trial t : before) {
            if (t.state() == TrialState.COMPLETED) {
                assertThat(after.get(t.number())).as("completed trial %d untouched", t.number()).isEqualTo(t);
            }
        }
        for (int n = 0; n < 16; n++) {
            assertThat(steps(id, n)).as("trial %d: each step once", n).containsExactlyElementsOf(
                    java.util.stream.LongStream.range(0, 10).boxed().toList());
        }
        // the same spec run through without a break suggests the same configurations
        Sweep straight = orchard.start(spec.withName("straight").withObjective(
                new ObjectiveSpec.Builtin("branin", 0, 0)), dir);
        assertThat(finish(straight, LONG)).isEqualTo(ExperimentStatus.COMPLETED);
        assertThat(orchard.trials(straight.experimentId())).extracting(Trial::params)
                .containsExactlyElementsOf(after.stream().map(Trial::params).toList());
    }

    /**
     * A scheduler that uses every kind of launch and decision: each trial pauses at step 5 and is resumed (promoted)
     * before anything new starts; odd trials are stopped at step 8; once trial 0 completed, one trial is derived from it.
     */
    static final class Exercising implements Scheduler {
        final List<Integer> paused = new ArrayList<>();
        final Set<Integer> promoted = new HashSet<>();
        final Map<Integer, Map<String, Object>> params = new ConcurrentHashMap<>();
        boolean derived;
        boolean zeroDone;

        @Override
        public int slots() {
            return 2;
        }

        @Override
        public List<Launch> next(SweepView view) {
            var out = new ArrayList<Launch>();
            while (!paused.isEmpty() && out.size() < view.freeSlots()) {
                int n = paused.remove(0);
                promoted.add(n);
                out.add(new Launch.Resume(n, "promoted past step 5"));
            }
            if (zeroDone && !derived && out.size() < view.freeSlots() && view.remainingBudget() > 0) {
                derived = true;
                out.add(new Launch.Derived(0, params.get(0), "copy of trial 0"));
            }
            int fresh = Math.min(view.freeSlots() - out.size(), view.remainingBudget() - (derived && out.stream()
                    .anyMatch(Launch.Derived.class::isInstance) ? 1 : 0));
            for (int i = 0; i < fresh; i++) {
                out.add(Launch.FRESH);
            }
            return out;
        }

        @Override
        public void onStarted(int trial, Map<String, Object> p, Launch how) {
            params.put(trial, p);
        }

        @Override
        public Decision onReport(int trial, long step, double value) {
            if (step == 5 && !promoted.contains(trial)) {
                return Decision.pause("rung at step 5", Map.of("rung", 0));
            }
            if (step == 8 && trial % 2 == 1) {
                return Decision.stop("odd trials stop at step 8", Map.of("value", value));
            }
            return Decision.CONTINUE;
        }

        @Override
        public void onEnded(int trial, TrialState state, java.util.OptionalDouble value, long lastStep) {
            if (state == TrialState.PAUSED) {
                paused.add(trial);
            } else if (trial == 0 && state == TrialState.COMPLETED) {
                zeroDone = true;
            }
        }
    }

    @Test
    void theSweepCarriesOutPausesPromotionsStopsAndDerivedTrials() throws Exception {
        var spec = branin("random", 6, 2, 3, 0, 0);
        Exercising scheduler = new Exercising();
        Sweep sweep = orchard.start(spec, counting(12, 3), scheduler);
        long id = sweep.experimentId();
        assertThat(finish(sweep, LONG)).isEqualTo(ExperimentStatus.COMPLETED);
        List<Trial> trials = orchard.trials(id);
        assertThat(trials).hasSize(6);
        for (Trial t : trials) {
            if (t.number() % 2 == 1) {
                assertThat(t.state()).as("trial %d", t.number()).isEqualTo(TrialState.PRUNED);
                assertThat(t.lastStep()).isGreaterThanOrEqualTo(8);
                double x = ((Number) t.params().get("x1")).doubleValue();
                assertThat(t.value().getAsDouble()).isEqualTo(x + t.lastStep());
            } else {
                assertThat(t.state()).as("trial %d", t.number()).isEqualTo(TrialState.COMPLETED);
            }
            assertThat(startedFrom.get(t.number()).get(0)).as("trial %d starts at 0 or from its parent", t.number())
                    .isIn(0, 5, 6);
            assertThat(steps(id, t.number())).as("trial %d: no step twice", t.number()).doesNotHaveDuplicates().isSorted();
        }
        // one derived trial: the parent's configuration and checkpoint
        int child = orchard.trials(id).stream().filter(t -> !startedFrom.get(t.number()).get(0).equals(0))
                .mapToInt(Trial::number).findFirst().orElseThrow();
        assertThat(trials.get(child).params()).isEqualTo(trials.get(0).params());
        assertThat(events).anyMatch(e -> e instanceof EngineEvent.SchedulerDecision d && d.decision().equals("derive")
                && d.trial() == child && d.details().get("parent").equals(0));
        for (String kind : List.of("pause", "resume", "stop", "derive")) {
            assertThat(events).as("a %s decision published", kind)
                    .anyMatch(e -> e instanceof EngineEvent.SchedulerDecision d && d.decision().equals(kind));
        }
    }

    @Test
    void aCrashingCommandTrialIsRetriedAndItsSeriesKeepsEachStepOnce() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.orchard.engine.execute.Processes.onPath("sh"), "needs sh");
        // the first attempt of each trial reports three steps and crashes; the second runs through
        Files.writeString(dir.resolve("flaky.sh"), """
                #!/bin/sh
                for s in 1 2 3; do echo "@orchard {\\"step\\": $s, \\"loss\\": $s}"; done
                if [ ! -f "$ORCHARD_CHECKPOINT_DIR/tried" ]; then touch "$ORCHARD_CHECKPOINT_DIR/tried"; echo boom; exit 3; fi
                echo "@orchard {\\"step\\": 4, \\"loss\\": 0.5}"
                """);
        var spec = dev.orchard.engine.json.Specs.parse("""
                {"format": "orchard.experiment/1", "name": "flaky",
                 "space": {"params": [{"name": "x", "type": "uniform", "low": 0, "high": 1}]},
                 "optimizer": "random", "scheduler": {"type": "sync_batch", "batch_size": 2},
                 "objective": {"type": "command", "command": ["sh", "flaky.sh"], "metric": "loss", "retries": 1,
                               "retry_backoff_seconds": 0.2},
                 "budget": 2}
                """, "flaky.json");
        Sweep sweep = orchard.start(spec, dir);
        assertThat(finish(sweep, LONG)).isEqualTo(ExperimentStatus.COMPLETED);
        long id = sweep.experimentId();
        for (Trial t : orchard.trials(id)) {
            assertThat(t.state()).isEqualTo(TrialState.COMPLETED);
            assertThat(t.value()).hasValue(0.5);
            orchard.flush();
            assertThat(orchard.metrics(id, t.number())).extracting(MetricPoint::step).containsExactly(1L, 2L, 3L, 4L);
            assertThat(Files.readString(orchard.trialLog(id, t.number()))).contains("boom");
        }
    }
}
