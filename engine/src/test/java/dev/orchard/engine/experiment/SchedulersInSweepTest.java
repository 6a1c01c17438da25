package dev.orchard.engine.experiment;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.execute.Objective;
import dev.orchard.engine.execute.Processes;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The schedulers carried out by a real sweep: stops, pauses and promotions, derived trials, all stored. */
class SchedulersInSweepTest {
    static final Duration LONG = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    Orchard orchard;
    final List<EngineEvent.SchedulerDecision> decisions = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        orchard = Orchard.open(dir.resolve("history"));
        orchard.events().subscribe(e -> {
            if (e instanceof EngineEvent.SchedulerDecision d) {
                decisions.add(d);
            }
        });
    }

    @AfterEach
    void close() {
        orchard.close();
    }

    static String spec(String scheduler, int budget) {
        return """
                {"format": "orchard.experiment/1", "name": "sched",
                 "space": {"params": [{"name": "x", "type": "uniform", "low": 0, "high": 1}]},
                 "optimizer": "random", "scheduler": %s,
                 "objective": {"type": "command", "command": ["true"], "metric": "value"},
                 "budget": %d, "seed": 11, "direction": "minimize"}
                """.formatted(scheduler, budget);
    }

    /**
     * A training curve that falls towards x over {@code steps} steps (the loss of a configuration x); checkpoints its
     * step when asked to stop and continues from a checkpoint.
     */
    static Objective curve(int steps) {
        return ctx -> {
            double x = ((Number) ctx.params().get("x")).doubleValue();
            int from = ctx.resumeFrom().map(d -> d.resolve("step")).filter(Files::isRegularFile)
                    .map(f -> Integer.parseInt(SweepControlTest.read(f))).orElse(1);
            for (int s = from; s <= steps; s++) {
                if (ctx.stopRequested()) {
                    Files.writeString(ctx.checkpointDir().resolve("step"), String.valueOf(s));
                    return x;
                }
                Thread.sleep(2);
                ctx.report(s, x + 1.0 / s);
            }
            return x;
        };
    }

    List<Long> steps(long id, int trial) {
        orchard.flush();
        return orchard.metrics(id, trial).stream().map(MetricPoint::step).toList();
    }

    @Test
    void ashaStopsTrialsAtTheirRungsAndLetsTheBestRunToTheEnd() throws Exception {
        var spec = Specs.parse(spec("{\"type\": \"asha\", \"parallel\": 3, \"grace\": 1, \"eta\": 3, \"max_steps\": 9}", 27), "s");
        Sweep sweep = orchard.start(spec, curve(9));
        assertThat(sweep.await(LONG)).contains(ExperimentStatus.COMPLETED);
        List<Trial> trials = orchard.trials(sweep.experimentId());
        assertThat(trials).hasSize(27).allMatch(t -> t.state() == TrialState.PRUNED || t.state() == TrialState.COMPLETED);
        List<Trial> pruned = trials.stream().filter(t -> t.state() == TrialState.PRUNED).toList();
        List<Trial> full = trials.stream().filter(t -> t.state() == TrialState.COMPLETED).toList();
        assertThat(pruned).isNotEmpty().allSatisfy(t -> assertThat(t.lastStep()).isIn(1L, 3L));
        assertThat(full).isNotEmpty().allSatisfy(t -> assertThat(t.lastStep()).isEqualTo(9L));
        // a pruned trial's value is what it reported at its rung
        Trial p = pruned.get(0);
        double x = ((Number) p.params().get("x")).doubleValue();
        assertThat(p.value().getAsDouble()).isCloseTo(x + 1.0 / p.lastStep(), org.assertj.core.data.Offset.offset(1e-12));
        // the best configuration of all was not pruned, and every stop says where and why
        Trial bestX = trials.stream().min(java.util.Comparator.comparingDouble(t -> ((Number) t.params().get("x")).doubleValue())).orElseThrow();
        assertThat(bestX.state()).isEqualTo(TrialState.COMPLETED);
        assertThat(decisions).filteredOn(d -> d.decision().equals("stop"))
                .anyMatch(d -> d.details().containsKey("rung") && d.details().containsKey("cutoff"));
        // far fewer steps than 27 full runs
        long total = trials.stream().mapToLong(t -> t.lastStep()).sum();
        assertThat(total).isLessThan(27 * 9 / 2);
    }

    @Test
    void ashaPromotesPausedTrialsWhichContinueFromTheirCheckpoints() throws Exception {
        var spec = Specs.parse(spec("{\"type\": \"asha\", \"parallel\": 2, \"grace\": 1, \"eta\": 3, \"max_steps\": 9, \"mode\": \"promote\"}", 18), "s");
        Sweep sweep = orchard.start(spec, curve(9));
        assertThat(sweep.await(LONG)).contains(ExperimentStatus.COMPLETED);
        long id = sweep.experimentId();
        List<Trial> trials = orchard.trials(id);
        assertThat(trials).hasSize(18);
        assertThat(decisions).anyMatch(d -> d.decision().equals("pause")).anyMatch(d -> d.decision().equals("resume"));
        List<Trial> promotedToEnd = trials.stream().filter(t -> t.state() == TrialState.COMPLETED).toList();
        assertThat(promotedToEnd).isNotEmpty();
        for (Trial t : promotedToEnd) {
            // paused at steps 1 and 3, resumed from its checkpoints: one series, each step once
            assertThat(steps(id, t.number())).as("trial %d", t.number()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        }
        // those never promoted end as pruned with their rung value
        assertThat(trials).filteredOn(t -> t.state() != TrialState.COMPLETED)
                .allSatisfy(t -> assertThat(t.state()).isEqualTo(TrialState.PRUNED));
    }

    @Test
    void medianStoppingAndHyperbandRunInASweep() throws Exception {
        for (String s : List.of("{\"type\": \"median\", \"parallel\": 2, \"grace\": 2, \"min_trials\": 2}",
                "{\"type\": \"hyperband\", \"parallel\": 2, \"grace\": 1, \"eta\": 3, \"max_steps\": 9}")) {
            decisions.clear();
            Sweep sweep = orchard.start(Specs.parse(spec(s, 12), "s"), curve(9));
            assertThat(sweep.await(LONG)).as(s).contains(ExperimentStatus.COMPLETED);
            List<Trial> trials = orchard.trials(sweep.experimentId());
            assertThat(trials).as(s).hasSize(12).anyMatch(t -> t.state() == TrialState.PRUNED)
                    .anyMatch(t -> t.state() == TrialState.COMPLETED);
            assertThat(decisions).as(s).anyMatch(d -> d.decision().equals("stop"));
        }
    }

    /**
     * PBT with command trials: a member accumulates a score (its x each step, kept in its checkpoint); the bottom
     * members are replaced by copies of the top ones, which continue from the copied checkpoint.
     */
    @Test
    void pbtDerivesCommandTrialsFromTheirParentsCheckpoints() throws Exception {
        assumeTrue(Processes.onPath("sh") && Processes.onPath("awk"), "needs sh and awk");
        Files.writeString(dir.resolve("member.sh"), """
                #!/bin/sh
                x=$1
                step=0; score=0
                if [ -n "$ORCHARD_RESUME_FROM" ] && [ -f "$ORCHARD_RESUME_FROM/state" ]; then
                  read step score < "$ORCHARD_RESUME_FROM/state"
                  echo "resumed at $step with $score"
                fi
                trap 'exit 0' TERM
                while [ $step -lt 12 ]; do
                  sleep 0.05
                  step=$((step + 1))
                  score=$(awk "BEGIN { print $score + $x }")
                  echo "$step $score" > "$ORCHARD_CHECKPOINT_DIR/state.tmp" && mv "$ORCHARD_CHECKPOINT_DIR/state.tmp" "$ORCHARD_CHECKPOINT_DIR/state"
                  echo "@orchard {\\"step\\": $step, \\"score\\": $score}"
                done
                # a copy of a member that had already finished has nothing left to train: it reports where it is
                echo "@orchard {\\"step\\": $step, \\"score\\": $score}"
                """);
        var spec = Specs.parse("""
                {"format": "orchard.experiment/1", "name": "pbt",
                 "space": {"params": [{"name": "x", "type": "uniform", "low": 0, "high": 1}]},
                 "optimizer": "random",
                 "scheduler": {"type": "pbt", "population": 4, "interval": 3, "generations": 4, "quantile": 0.25},
                 "objective": {"type": "command", "command": ["sh", "member.sh", "{x}"], "metric": "score"},
                 "budget": 16, "seed": 5, "direction": "maximize"}
                """, "pbt.json");
        Sweep sweep = orchard.start(spec, dir);
        assertThat(sweep.await(LONG)).contains(ExperimentStatus.COMPLETED);
        long id = sweep.experimentId();
        List<Trial> trials = orchard.trials(id);
        assertThat(trials.size()).isGreaterThan(4);
        var derived = decisions.stream().filter(d -> d.decision().equals("derive")).toList();
        assertThat(derived).isNotEmpty();
        for (var d : derived) {
            int child = d.trial();
            int parent = ((Number) d.details().get("parent")).intValue();
            // the child continued from a copy of its parent's checkpoint: its first step follows one of the parent's
            List<Long> childSteps = steps(id, child);
            assertThat(childSteps).as("trial %d derived from %d", child, parent).isNotEmpty();
            assertThat(childSteps.get(0)).isGreaterThan(1L);
            assertThat(Files.readString(orchard.trialLog(id, child))).contains("resumed at");
        }
        Map<Integer, Integer> parents = new java.util.TreeMap<>();
        derived.forEach(d -> parents.put(d.trial(), ((Number) d.details().get("parent")).intValue()));
        assertThat(parents).isNotEmpty();
    }
}
