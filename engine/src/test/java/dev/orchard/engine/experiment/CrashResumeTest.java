package dev.orchard.engine.experiment;

import dev.orchard.engine.execute.Processes;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.MetricPoint;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The engine is killed with SIGKILL in the middle of a sweep of real command trials, then {@code resume} finishes it.
 * The trials write their output straight to their logs, so they go on while no engine runs: the resume watches those
 * still running, reads back what those that ended wrote, and restarts from their checkpoints only trials whose
 * processes died too. Every trial ends with the value it truly reported last, and its series holds each step once.
 */
class CrashResumeTest {
    @TempDir
    Path dir;

    /**
     * A trial of six steps that reports, then checkpoints, each step, and notes its life in a journal shared by all
     * trials. Its loss at step s is x + 10·(6 − s): the true final value is x, and a value from any earlier step is
     * at least 10 off.
     */
    static final String TRIAL = """
            #!/bin/sh
            x=$1
            from=0
            if [ -n "$ORCHARD_RESUME_FROM" ] && [ -f "$ORCHARD_RESUME_FROM/step" ]; then from=$(cat "$ORCHARD_RESUME_FROM/step"); fi
            echo "start $ORCHARD_TRIAL_ID $from $$" >> "$JOURNAL"
            step=$from
            pace=${PACE:-0.3}; if [ "$ORCHARD_TRIAL_ID" = 2 ] || [ "$ORCHARD_TRIAL_ID" = 3 ]; then pace=${SLOW:-1}; fi
            while [ $step -lt 6 ]; do
              sleep $pace
              step=$((step + 1))
              loss=$(awk -v s=$step -v x=$x 'BEGIN { printf "%.12f", x + 10 * (6 - s) }')
              echo "@orchard {\\"step\\": $step, \\"loss\\": $loss}"
              echo $step > "$ORCHARD_CHECKPOINT_DIR/step.tmp" && mv "$ORCHARD_CHECKPOINT_DIR/step.tmp" "$ORCHARD_CHECKPOINT_DIR/step"
              echo "step $ORCHARD_TRIAL_ID $step" >> "$JOURNAL"
            done
            echo "done $ORCHARD_TRIAL_ID" >> "$JOURNAL"
            """;

    Path journal;
    Path db;

    void writeSpec(int budget, int batch, String env) throws Exception {
        journal = dir.resolve("journal.txt");
        db = dir.resolve("data").resolve("history");
        Files.writeString(dir.resolve("trial.sh"), TRIAL);
        Files.writeString(dir.resolve("spec.json"), """
                {"format": "orchard.experiment/1", "name": "crash",
                 "space": {"params": [{"name": "x", "type": "uniform", "low": 0, "high": 1}]},
                 "optimizer": "random",
                 "scheduler": {"type": "sync_batch", "batch_size": %d},
                 "objective": {"type": "command", "command": ["sh", "trial.sh", "{x}"], "metric": "loss",
                               "env": {"JOURNAL": "%s"%s}},
                 "budget": %d, "seed": 3}
                """.formatted(batch, journal.toString().replace("\\", "\\\\"), env, budget));
    }

    @Test
    @Timeout(180)
    void trialsOutliveAKilledEngineAndTheResumeWatchesThemToTheirTrueValues() throws Exception {
        assumeTrue(Processes.onPath("sh") && Processes.onPath("awk") && Processes.onPath("setsid"), "needs sh, awk and setsid");
        writeSpec(8, 2, "");
        Process engine = cli("run", dir.resolve("spec.json").toString(), "--db", db.toString(), "-q");
        try {
            // the first batch has completed and the second is a third of the way
            awaitJournal(journal, l -> l.contains("step 2 2") && l.contains("step 3 2"), Duration.ofSeconds(60));
        } finally {
            engine.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, nothing
            engine.waitFor();
        }
        List<Long> running = starts(Files.readAllLines(journal)).values().stream().flatMap(List::stream)
                .filter(s -> s.trial >= 2).map(s -> s.pid).toList();
        assertThat(running).as("the trials that were running outlive the engine").hasSize(2).allMatch(Processes::running);

        try (Orchard orchard = Orchard.open(db)) {
            long id = orchard.experiments().get(0).experiment().id();
            assertThat(orchard.experiment(id).orElseThrow().status()).isEqualTo(ExperimentStatus.INTERRUPTED);
            Sweep sweep = orchard.resume(id);
            assertThat(sweep.await(Duration.ofSeconds(120))).contains(ExperimentStatus.COMPLETED);
            orchard.flush();
            List<String> lines = Files.readAllLines(journal);
            Map<Integer, List<Start>> starts = starts(lines);
            for (int n = 0; n < 8; n++) {
                assertThat(starts.get(n)).as("trial %d ran once: none was killed or run again", n).hasSize(1);
                assertThat(lines).as("trial %d finished exactly once", n).containsOnlyOnce("done " + n);
            }
            assertTrueValues(orchard, id, 8);
        }
    }

    @Test
    @Timeout(180)
    void trialsThatEndedWhileNoEngineRanAreReadBackNotRunAgain() throws Exception {
        assumeTrue(Processes.onPath("sh") && Processes.onPath("awk") && Processes.onPath("setsid"), "needs sh, awk and setsid");
        writeSpec(4, 2, ", \"SLOW\": \"0.3\"");
        Process engine = cli("run", dir.resolve("spec.json").toString(), "--db", db.toString(), "-q");
        try {
            awaitJournal(journal, l -> l.contains("step 2 1") && l.contains("step 3 1"), Duration.ofSeconds(60));
        } finally {
            engine.destroyForcibly();
            engine.waitFor();
        }
        awaitJournal(journal, l -> l.contains("done 2") && l.contains("done 3"), Duration.ofSeconds(60));
        try (Orchard orchard = Orchard.open(db)) {
            long id = orchard.experiments().get(0).experiment().id();
            assertThat(orchard.resume(id).await(Duration.ofSeconds(60))).contains(ExperimentStatus.COMPLETED);
            orchard.flush();
            Map<Integer, List<Start>> starts = starts(Files.readAllLines(journal));
            assertThat(starts.get(2)).hasSize(1);
            assertThat(starts.get(3)).hasSize(1);
            assertTrueValues(orchard, id, 4);
        }
    }

    /**
     * The fault campaign of the issue, in small: the engine is killed three times at different moments, once with all
     * its trials' processes (a machine that died), and resumed each time by a new engine; every trial completes with
     * its true value and each step of its series once.
     */
    @Test
    @Timeout(300)
    void killedThreeTimesOnceWithItsTrialsEveryTrialCompletesWithItsTrueValue() throws Exception {
        assumeTrue(Processes.onPath("sh") && Processes.onPath("awk") && Processes.onPath("setsid"), "needs sh, awk and setsid");
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc to find the trials' process groups");
        writeSpec(9, 3, ", \"PACE\": \"0.2\", \"SLOW\": \"0.4\"");
        Process engine = cli("run", dir.resolve("spec.json").toString(), "--db", db.toString(), "-q");
        killWhen(engine, l -> steps(l) >= 4, false);
        engine = cli("resume", "1", "--db", db.toString(), "-q");
        int seen = Files.readAllLines(journal).size();
        killWhen(engine, l -> l.size() >= seen + 12, true); // the machine dies: the engine and every trial
        engine = cli("resume", "1", "--db", db.toString(), "-q");
        int seen2 = Files.readAllLines(journal).size();
        killWhen(engine, l -> l.size() >= seen2 + 6, false);
        try (Orchard orchard = Orchard.open(db)) {
            assertThat(orchard.resume(1).await(Duration.ofSeconds(120))).contains(ExperimentStatus.COMPLETED);
            orchard.flush();
            List<String> lines = Files.readAllLines(journal);
            assertThat(starts(lines).values().stream().mapToInt(List::size).sum())
                    .as("the trials killed with the machine were restarted").isGreaterThan(9);
            assertTrueValues(orchard, 1, 9);
        }
    }

    /** SIGKILLs the engine once the journal satisfies {@code when}; with {@code machine}, every trial process too. */
    void killWhen(Process engine, java.util.function.Predicate<List<String>> when, boolean machine) throws Exception {
        try {
            awaitJournal(journal, when, Duration.ofSeconds(90));
        } finally {
            engine.destroyForcibly();
            engine.waitFor();
        }
        if (machine) {
            for (List<Start> runs : starts(Files.readAllLines(journal)).values()) {
                for (Start s : runs) {
                    killGroupOf(s.pid);
                }
            }
        }
    }

    /** SIGKILL to the process group of {@code pid} (the trial's wrapper leads it), as a power cut would. */
    static void killGroupOf(long pid) throws Exception {
        Path stat = Path.of("/proc", String.valueOf(pid), "stat");
        if (!Files.exists(stat)) {
            return;
        }
        String s;
        try {
            s = Files.readString(stat);
        } catch (java.io.IOException gone) {
            return;
        }
        String pgid = s.substring(s.lastIndexOf(')') + 2).split(" ")[2];
        new ProcessBuilder("kill", "-KILL", "--", "-" + pgid).start().waitFor();
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    static long steps(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("step ")).count();
    }

    /** Every trial completed with x, its true final value, and its series is steps 1..6 once each, each step's true loss. */
    static void assertTrueValues(Orchard orchard, long id, int count) {
        List<Trial> trials = orchard.trials(id);
        assertThat(trials).hasSize(count);
        for (Trial t : trials) {
            double x = ((Number) t.params().get("x")).doubleValue();
            assertThat(t.state()).as("trial %d: %s; its log:%n%s", t.number(), t.error().orElse(""), read(orchard.trialLog(id, t.number())))
                    .isEqualTo(TrialState.COMPLETED);
            assertThat(t.value().getAsDouble()).as("trial %d's value", t.number()).isCloseTo(x, within(1e-9));
            List<MetricPoint> series = orchard.metrics(id, t.number()).stream().filter(m -> m.name().equals("loss")).toList();
            assertThat(series).as("trial %d's series", t.number()).extracting(MetricPoint::step).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            for (MetricPoint m : series) {
                assertThat(m.value()).as("trial %d at step %d", t.number(), m.step()).isCloseTo(x + 10 * (6 - m.step()), within(1e-9));
            }
        }
    }

    /** Ctrl+C (or SIGTERM) of {@code orchard run} pauses the sweep; {@code orchard resume ID} finishes it. */
    @Test
    void anInterruptedRunPausesAndTheResumeCommandFinishesIt() throws Exception {
        assumeTrue(Processes.onPath("sh") && Processes.onPath("sleep") && Processes.onPath("setsid"), "needs sh, sleep and setsid");
        Path journal = dir.resolve("journal.txt");
        Files.writeString(dir.resolve("trial.sh"), TRIAL.replace("x=$1", "trap 'exit 0' TERM\nx=$1"));
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
