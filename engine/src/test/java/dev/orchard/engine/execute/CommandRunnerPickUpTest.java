package dev.orchard.engine.execute;

import dev.orchard.engine.trial.TrialResult;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A command trial whose engine died is picked up by the next one: the run is started here the way {@link CommandRunner}
 * starts it (wrapper, run record, output straight to the log), then left as a dead engine leaves it, and a new runner
 * is asked to pick it up.
 */
@Timeout(120)
class CommandRunnerPickUpTest {
    @TempDir
    Path dir;
    final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void needsSetsidAndProc() {
        assumeTrue(Processes.onPath("sh") && ProcessTree.sessionsSupported() && Files.isDirectory(Path.of("/proc/self")),
                "needs sh, setsid and /proc");
    }

    @AfterEach
    void cleanUp() {
        started.forEach(p -> ProcessTree.terminate(p.toHandle(), Duration.ZERO));
    }

    /**
     * A trial of {@code STEPS} steps from its checkpoint on: reports step s with loss 100 − s, then checkpoints; step s
     * waits for the test's file {@code go-s}.
     */
    static final String TRIAL = """
            from=0
            if [ -n "$ORCHARD_RESUME_FROM" ] && [ -f "$ORCHARD_RESUME_FROM/step" ]; then from=$(cat "$ORCHARD_RESUME_FROM/step"); fi
            echo "start $from" >> starts
            step=$from
            while [ $step -lt $STEPS ]; do
              [ -f go-$((step + 1)) ] || { sleep 0.02; continue; }
              step=$((step + 1))
              echo "@orchard {\\"step\\": $step, \\"loss\\": $((100 - step))}"
              echo $step > "$ORCHARD_CHECKPOINT_DIR/step"
            done
            exit ${CODE:-0}
            """;

    TestTrialContext ctx() {
        TestTrialContext c = new TestTrialContext(dir, 0, Map.of());
        c.pickUp = true;
        return c;
    }

    CommandRunner runner() throws Exception {
        Processes.script(dir.resolve("trial.sh"), TRIAL);
        return CommandRunner.builder(List.of("./trial.sh")).workdir(dir).metric("loss").grace(Duration.ofSeconds(5))
                .env(Map.of("STEPS", "5")).build();
    }

    /** Starts a run as a runner would, and leaves it: the engine that started it is gone. */
    RunRecord orphanRun(TestTrialContext c, Map<String, String> env, boolean notePid) throws Exception {
        Processes.script(dir.resolve("trial.sh"), TRIAL);
        Path log = c.logFile();
        Files.createDirectories(log.getParent());
        Files.createDirectories(c.checkpointDir());
        if (!Files.exists(log)) {
            Files.writeString(log, "an earlier run's output\n");
        }
        var rec = new RunRecord(UUID.randomUUID().toString(), Files.size(log), System.currentTimeMillis(), List.of(),
                Optional.empty(), Optional.empty(), false);
        rec.write(log);
        ProcessBuilder pb = new ProcessBuilder(ProcessTree.inOwnSession(CommandRunner.wrapped(List.of("./trial.sh"),
                RunRecord.exitFileFor(log)))).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(Map.of("STEPS", "5", ProcessTree.RUN_ID, rec.runId(),
                "ORCHARD_CHECKPOINT_DIR", c.checkpointDir().toString(), "ORCHARD_RESUME_FROM", ""));
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        if (notePid) {
            rec = rec.started(p.pid(), p.toHandle().info().startInstant().orElse(Instant.now()));
            rec.write(log);
        }
        return rec;
    }

    /** Lets the trial go up to step {@code step}. */
    void go(int step) throws Exception {
        for (int s = 1; s <= step; s++) {
            Files.writeString(dir.resolve("go-" + s), "");
        }
    }

    List<String> starts() throws Exception {
        return Files.readAllLines(dir.resolve("starts"));
    }

    void awaitCheckpoint(TestTrialContext c, int step) {
        Path f = c.checkpointDir().resolve("step");
        await("checkpoint of step " + step).atMost(Duration.ofSeconds(30))
                .until(() -> Files.exists(f) && Files.readString(f).trim().equals(String.valueOf(step)));
    }

    @Test
    void aRunStillGoingIsWatchedToItsEndWithEveryReportReadFromItsStart() throws Exception {
        TestTrialContext c = ctx();
        orphanRun(c, Map.of(), true);
        go(2);
        awaitCheckpoint(c, 2); // it went on alone for two steps: nobody read those reports yet
        CompletableFuture<TrialResult> run = CompletableFuture.supplyAsync(() -> {
            try {
                return runner().run(c);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        awaitReports(c, 2);
        assertThat(run).as("the run is watched while it goes on").isNotDone();
        go(5);
        TrialResult r = run.get(60, TimeUnit.SECONDS);
        assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
        assertThat(r.value()).hasValue(95.0);
        assertThat(c.reports).extracting(Map.Entry::getKey).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(starts()).as("the run was not started again").containsExactly("start 0");
        assertThat(c.started).isEmpty();
        assertThat(c.log()).startsWith("an earlier run's output\n");
    }

    @Test
    void aRunWhosePidWasNeverNotedIsFoundByItsRunId() throws Exception {
        TestTrialContext c = ctx();
        orphanRun(c, Map.of(), false);
        go(1);
        awaitCheckpoint(c, 1);
        go(5);
        TrialResult r = runner().run(c);
        assertThat(r.value()).hasValue(95.0);
        assertThat(starts()).containsExactly("start 0");
    }

    void awaitReports(TestTrialContext c, int n) {
        await(n + " reports read").atMost(Duration.ofSeconds(30)).until(() -> c.reports.size() >= n);
    }

    @Test
    void aRunThatEndedWhileNoEngineRanIsReadBackNotRunAgain() throws Exception {
        TestTrialContext c = ctx();
        orphanRun(c, Map.of(), true);
        go(5);
        started.get(0).waitFor();
        TrialResult r = runner().run(c);
        assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
        assertThat(r.value()).hasValue(95.0);
        assertThat(c.reports).hasSize(5);
        assertThat(starts()).containsExactly("start 0");
    }

    @Test
    void aFailureWhileNoEngineRanIsAFailure() throws Exception {
        TestTrialContext c = ctx();
        orphanRun(c, Map.of("CODE", "3"), true);
        go(5);
        started.get(0).waitFor();
        TrialResult r = runner().run(c);
        assertThat(r.state()).isEqualTo(TrialState.FAILED);
        assertThat(r.error()).hasValueSatisfying(e -> assertThat(e).startsWith("exit code 3"));
        assertThat(starts()).containsExactly("start 0");
    }

    @Test
    void aRunKilledWithItsEngineIsReadBackThenRestartedFromItsCheckpoint() throws Exception {
        TestTrialContext c = ctx();
        orphanRun(c, Map.of(), true);
        go(3);
        awaitCheckpoint(c, 3);
        ProcessTree.terminate(started.get(0).toHandle(), Duration.ZERO); // the machine went down with the engine
        started.get(0).waitFor();
        Files.deleteIfExists(RunRecord.exitFileFor(c.logFile())); // SIGKILL to the group: the wrapper wrote nothing
        c.resumeFrom = Optional.of(c.checkpointDir());
        go(5);
        TrialResult r = runner().run(c);
        assertThat(r.value()).hasValue(95.0);
        assertThat(starts()).containsExactly("start 0", "start 3");
        assertThat(c.newRuns).as("the restart's first report supersedes what came after the checkpoint").isEqualTo(1);
        assertThat(c.reports).extracting(Map.Entry::getKey).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void aRestartWithNothingLeftToDoKeepsTheValueReadBackNotTheStoredOne() throws Exception {
        TestTrialContext c = ctx();
        orphanRun(c, Map.of(), true);
        go(5);
        awaitCheckpoint(c, 5);
        ProcessTree.terminate(started.get(0).toHandle(), Duration.ZERO);
        started.get(0).waitFor();
        Files.deleteIfExists(RunRecord.exitFileFor(c.logFile()));
        c.resumeFrom = Optional.of(c.checkpointDir());
        c.previous = OptionalDouble.of(98.0); // what the store had: step 2, before the engine died
        TrialResult r = runner().run(c);
        assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
        assertThat(r.value()).as("the value it truly reported last").hasValue(95.0);
        assertThat(starts()).containsExactly("start 0", "start 5");
    }

    @Test
    void aRunTheDeadEngineHadAskedToStopIsRestartedNotCompleted() throws Exception {
        TestTrialContext c = ctx();
        RunRecord rec = orphanRun(c, Map.of(), true);
        rec.stopping().write(c.logFile());
        go(2);
        awaitCheckpoint(c, 2);
        ProcessTree.terminate(started.get(0).toHandle(), Duration.ofSeconds(5)); // it ends as the stop asked: exit 143
        started.get(0).waitFor();
        c.resumeFrom = Optional.of(c.checkpointDir());
        go(5);
        TrialResult r = runner().run(c);
        assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
        assertThat(r.value()).hasValue(95.0);
        assertThat(starts()).containsExactly("start 0", "start 2");
    }

    @Test
    void withoutARunRecordTheTrialStartsAgain() throws Exception {
        TestTrialContext c = ctx();
        go(5);
        TrialResult r = runner().run(c);
        assertThat(r.value()).hasValue(95.0);
        assertThat(starts()).containsExactly("start 0");
        assertThat(c.started).hasSize(1);
    }
}
