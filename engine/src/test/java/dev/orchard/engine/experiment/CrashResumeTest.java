package dev.orchard.engine.experiment;

import dev.orchard.engine.execute.Processes;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.MetricPoint;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The engine is killed with SIGKILL in the middle of a sweep of real command trials, then {@code resume} finishes it:
 * the trials' orphaned processes are ended, completed trials are neither lost nor run again, the trials that were
 * running restart from their last checkpoints, and their metric series has each step once.
 */
class CrashResumeTest {
    @TempDir
    Path dir;

    /** A trial of six steps that checkpoints each step and notes its life in a journal shared by all trials. */
    static final String TRIAL = """
            #!/bin/sh
            # a broken pipe to the dead engine must not end it: only Orchard's resume may
            trap '' PIPE
            x=$1
            from=0
            if [ -n "$ORCHARD_RESUME_FROM" ] && [ -f "$ORCHARD_RESUME_FROM/step" ]; then from=$(cat "$ORCHARD_RESUME_FROM/step"); fi
            echo "start $ORCHARD_TRIAL_ID $from $$" >> "$JOURNAL"
            step=$from
            # the trials the engine dies under are slow, so they would outlive a resume that failed to end them
            pace=0.3; if [ "$ORCHARD_TRIAL_ID" = 2 ] || [ "$ORCHARD_TRIAL_ID" = 3 ]; then pace=1; fi
            while [ $step -lt 6 ]; do
              sleep $pace
              step=$((step + 1))
              echo $step > "$ORCHARD_CHECKPOINT_DIR/step.tmp" && mv "$ORCHARD_CHECKPOINT_DIR/step.tmp" "$ORCHARD_CHECKPOINT_DIR/step"
              echo "@orchard {\\"step\\": $step, \\"loss\\": $x}" 2>/dev/null
              echo "step $ORCHARD_TRIAL_ID $step" >> "$JOURNAL"
            done
            echo "done $ORCHARD_TRIAL_ID" >> "$JOURNAL"
            """;

    @Test
    void aSweepKilledWithSigkillIsFinishedByResume() throws Exception {
        assumeTrue(Processes.onPath("sh") && Processes.onPath("sleep") && Processes.onPath("setsid"), "needs sh, sleep and setsid");
        Path journal = dir.resolve("journal.txt");
        Files.writeString(dir.resolve("trial.sh"), TRIAL);
        Files.writeString(dir.resolve("spec.json"), """
                {"format": "orchard.experiment/1", "name": "crash",
                 "space": {"params": [{"name": "x", "type": "uniform", "low": 0, "high": 1}]},
                 "optimizer": "random",
                 "scheduler": {"type": "sync_batch", "batch_size": 2},
                 "objective": {"type": "command", "command": ["sh", "trial.sh", "{x}"], "metric": "loss",
                               "env": {"JOURNAL": "%s"}},
                 "budget": 8, "seed": 3}
                """.formatted(journal.toString().replace("\\", "\\\\")));
        Path db = dir.resolve("data").resolve("history");

        // the engine in its own JVM, as a user runs it
        Process engine = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                "dev.orchard.engine.cli.Main", "run", dir.resolve("spec.json").toString(), "--db", db.toString(), "-q")
                .redirectErrorStream(true).redirectOutput(dir.resolve("engine.log").toFile()).start();
        try {
            // wait until the first batch has completed and the second is half-way
            awaitJournal(journal, l -> l.contains("step 2 2") && l.contains("step 3 2"), Duration.ofSeconds(60));
        } finally {
            engine.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, nothing
            engine.waitFor();
        }
        List<String> atCrash = Files.readAllLines(journal);
        assertThat(atCrash).contains("done 0", "done 1").doesNotContain("done 2", "done 3");
        List<Long> orphans = starts(atCrash).values().stream().flatMap(List::stream)
                .filter(s -> s.trial >= 2).map(s -> s.pid).toList();
        assertThat(orphans).as("the trials that were running outlive the engine").isNotEmpty().anyMatch(Processes::running);

        try (Orchard orchard = Orchard.open(db)) {
            long id = orchard.experiments().get(0).experiment().id();
            assertThat(orchard.experiment(id).orElseThrow().status()).isEqualTo(ExperimentStatus.INTERRUPTED);
            Sweep sweep = orchard.resume(id);
            assertThat(Processes.allGone(orphans, Duration.ofSeconds(20))).as("orphaned trial processes %s end", orphans).isTrue();
            assertThat(sweep.await(Duration.ofSeconds(90))).contains(ExperimentStatus.COMPLETED);
            orchard.flush();

            List<Trial> trials = orchard.trials(id);
            assertThat(trials).hasSize(8).allMatch(t -> t.state() == TrialState.COMPLETED);
            List<String> lines = Files.readAllLines(journal);
            Map<Integer, List<Start>> starts = starts(lines);
            for (int n = 0; n < 8; n++) {
                assertThat(lines).as("trial %d finished exactly once", n).containsOnlyOnce("done " + n);
            }
            assertThat(starts.get(0)).as("completed trials are not run again").hasSize(1);
            assertThat(starts.get(1)).hasSize(1);
            for (int n : List.of(2, 3)) {
                assertThat(starts.get(n)).as("trial %d restarted once", n).hasSize(2);
                assertThat(starts.get(n).get(1).from).as("trial %d continued from its checkpoint", n).isGreaterThanOrEqualTo(2);
            }
            for (int n = 4; n < 8; n++) {
                assertThat(starts.get(n)).hasSize(1);
                assertThat(starts.get(n).get(0).from).isZero();
            }
            for (int n = 0; n < 8; n++) {
                List<Long> steps = orchard.metrics(id, n).stream().filter(m -> m.name().equals("loss")).map(MetricPoint::step).toList();
                if (n == 2 || n == 3) {
                    // what it reported in the moment before the kill may be lost (and an orphan may have gone on a
                    // step alone); from its checkpoint on, each step is there once
                    assertThat(steps).as("trial %d: no step twice", n).doesNotHaveDuplicates().isSorted().endsWith(6L);
                    long from = starts.get(n).get(1).from;
                    assertThat(steps).as("trial %d after its restart", n).containsSubsequence(
                            java.util.stream.LongStream.rangeClosed(from + 1, 6).boxed().toList());
                } else {
                    // completed trials keep their whole series: it is stored before the trial is recorded as ended
                    assertThat(steps).as("trial %d reported each step once", n).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
                }
            }
            assertThat(orchard.experiment(id).orElseThrow().status()).isEqualTo(ExperimentStatus.COMPLETED);
        }
    }

    /** Ctrl+C (or SIGTERM) of {@code orchard run} pauses the sweep; {@code orchard resume ID} finishes it. */
    @Test
    void anInterruptedRunPausesAndTheResumeCommandFinishesIt() throws Exception {
        assumeTrue(Processes.onPath("sh") && Processes.onPath("sleep") && Processes.onPath("setsid"), "needs sh, sleep and setsid");
        Path journal = dir.resolve("journal.txt");
        Files.writeString(dir.resolve("trial.sh"), TRIAL.replace("trap '' PIPE", "trap 'exit 0' TERM"));
        Files.writeString(dir.resolve("spec.json"), """
                {"format": "orchard.experiment/1", "name": "ctrl-c",
                 "space": {"params": [{"name": "x", "type": "uniform", "low": 0, "high": 1}]},
                 "optimizer": "random", "scheduler": {"type": "sync_batch", "batch_size": 2},
                 "objective": {"type": "command", "command": ["sh", "trial.sh", "{x}"], "metric": "loss",
                               "env": {"JOURNAL": "%s"}},
                 "budget": 4, "seed": 3}
                """.formatted(journal.toString().replace("\\", "\\\\")));
        Path db = dir.resolve("data").resolve("history");
        Process run = cli("run", dir.resolve("spec.json").toString(), "--db", db.toString(), "-q");
        awaitJournal(journal, l -> l.contains("step 0 2"), Duration.ofSeconds(60));
        run.toHandle().destroy(); // SIGTERM, as Ctrl+C's SIGINT: the shutdown hook pauses the sweep
        String out = new String(run.getInputStream().readAllBytes());
        assertThat(run.waitFor()).isNotZero();
        assertThat(out).contains("paused experiment 1; continue it with: orchard resume 1");

        Process resume = cli("resume", "1", "--db", db.toString(), "-q");
        String resumed = new String(resume.getInputStream().readAllBytes());
        assertThat(resume.waitFor()).as(resumed).isZero();
        assertThat(resumed).contains("experiment 1 'ctrl-c' completed: 4 trials (4 completed, 0 failed)");
        List<String> lines = Files.readAllLines(journal);
        assertThat(starts(lines).get(0)).hasSize(2);
        assertThat(starts(lines).get(0).get(1).from).isGreaterThanOrEqualTo(2);
        for (int n = 0; n < 4; n++) {
            assertThat(lines).containsOnlyOnce("done " + n);
        }
    }

    Process cli(String... args) throws Exception {
        var cmd = new ArrayList<>(List.of(javaBinary(), "-cp", System.getProperty("java.class.path"), "dev.orchard.engine.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    record Start(int trial, int from, long pid) {
    }

    static Map<Integer, List<Start>> starts(List<String> lines) {
        var out = new TreeMap<Integer, List<Start>>();
        for (String l : lines) {
            String[] p = l.split(" ");
            if (p[0].equals("start")) {
                int n = Integer.parseInt(p[1]);
                out.computeIfAbsent(n, k -> new ArrayList<>()).add(new Start(n, Integer.parseInt(p[2]), Long.parseLong(p[3])));
            }
        }
        return out;
    }

    static void awaitJournal(Path journal, java.util.function.Predicate<List<String>> ready, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> lines = Files.exists(journal) ? Files.readAllLines(journal) : List.of();
            if (ready.test(lines)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the journal never got there; it holds " + lines);
            }
            Thread.sleep(20);
        }
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java" + (File.separatorChar == '\\' ? ".exe" : "")).toString();
    }
}
