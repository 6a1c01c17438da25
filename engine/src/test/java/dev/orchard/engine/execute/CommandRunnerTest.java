package dev.orchard.engine.execute;

import dev.orchard.engine.json.Json;
import dev.orchard.engine.trial.TrialResult;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Command trials as real subprocesses: start failures, exit codes, timeouts, stops, report lines, environment. */
class CommandRunnerTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void needsAPosixShell() {
        assumeTrue(Processes.onPath("sh") && Processes.onPath("sleep"), "needs sh and sleep on the PATH");
    }

    final class Ctx extends TestTrialContext {
        Ctx(int number, Map<String, Object> params) {
            super(CommandRunnerTest.this.dir, number, params);
        }
    }

    CommandRunner runner(List<String> command, Optional<Duration> timeout, Map<String, String> env) {
        return new CommandRunner(command, dir, "loss", timeout, env, dir.resolve("ckpt"), Duration.ofSeconds(2));
    }

    CommandRunner sh(String script) {
        return runner(List.of("sh", "-c", script), Optional.of(Duration.ofSeconds(30)), Map.of());
    }

    Ctx ctx() {
        return new Ctx(0, Map.of("lr", 0.5));
    }

    @Test
    void aProgramThatDoesNotExistFailsToStart() {
        Ctx c = ctx();
        TrialResult r = runner(List.of("/no/such/program-orchard", "--lr", "{lr}"), Optional.empty(), Map.of()).run(c);
        assertThat(r.state()).isEqualTo(TrialState.FAILED);
        assertThat(r.error()).hasValueSatisfying(e -> assertThat(e)
                .startsWith("cannot start /no/such/program-orchard").contains(dir.toString()));
        assertThat(r.value()).isEmpty();
    }

    @Test
    void aNonZeroExitFailsWithTheCodeAndTheTailOfTheOutput() {
        StringBuilder script = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            script.append("echo line").append(i).append("; ");
        }
        script.append("echo '@orchard {{\"loss\": 0.5}}'; echo oops >&2; exit 3");
        TrialResult r = sh(script.toString()).run(ctx());
        assertThat(r.state()).isEqualTo(TrialState.FAILED);
        assertThat(r.error()).hasValueSatisfying(e -> assertThat(e)
                .startsWith("exit code 3")
                .contains("line30").contains("oops") // stderr is part of the output
                .doesNotContain("line1\n").doesNotContain("@orchard"));
        assertThat(r.lastStep()).isZero();
    }

    @Test
    void aHangingCommandTimesOutAndItsWholeProcessTreeIsGone() throws Exception {
        Ctx c = ctx();
        var runner = runner(List.of("sh", "-c",
                        "sleep 100 & echo $! > \"$ORCHARD_CHECKPOINT_DIR/pids\"; echo $$ >> \"$ORCHARD_CHECKPOINT_DIR/pids\"; "
                                + "echo '@orchard {{\"loss\": 2}}'; sleep 100"),
                Optional.of(Duration.ofSeconds(1)), Map.of());
        TrialResult r = runner.run(c);
        assertThat(r.state()).isEqualTo(TrialState.FAILED);
        assertThat(r.error()).hasValueSatisfying(e -> assertThat(e).startsWith("timed out after 1 s"));
        List<Long> pids = Processes.awaitPids(c.checkpointDir().resolve("pids"), 2, Duration.ofSeconds(5));
        assertThat(Processes.allGone(pids, Duration.ofSeconds(10))).as("processes %s are gone", pids).isTrue();
        assertThat(c.reports).hasSize(1);
    }

    @Test
    void aStopEndsTheProcessTreeAndTheTrialIsStopped() throws Exception {
        Ctx c = ctx();
        var runner = sh("sleep 100 & echo $! > \"$ORCHARD_CHECKPOINT_DIR/pids\"; echo $$ >> \"$ORCHARD_CHECKPOINT_DIR/pids\"; "
                + "echo started; wait");
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<TrialResult> f = ex.submit(() -> runner.run(c));
            List<Long> pids = Processes.awaitPids(c.checkpointDir().resolve("pids"), 2, Duration.ofSeconds(10));
            assertThat(pids).allMatch(Processes::running);
            c.stop = true;
            TrialResult r = f.get(20, TimeUnit.SECONDS);
            assertThat(r.state()).isEqualTo(TrialState.STOPPED);
            assertThat(Processes.allGone(pids, Duration.ofSeconds(10))).isTrue();
            assertThat(c.log()).contains("started");
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void aProcessThatIgnoresSigtermIsKilledAfterTheGracePeriod() throws Exception {
        Ctx c = ctx();
        var runner = sh("trap '' TERM; echo $$ > \"$ORCHARD_CHECKPOINT_DIR/pids\"; while true; do sleep 0.1; done");
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<TrialResult> f = ex.submit(() -> runner.run(c));
            List<Long> pids = Processes.awaitPids(c.checkpointDir().resolve("pids"), 1, Duration.ofSeconds(10));
            c.stop = true;
            assertThat(f.get(30, TimeUnit.SECONDS).state()).isEqualTo(TrialState.STOPPED);
            assertThat(Processes.allGone(pids, Duration.ofSeconds(10))).isTrue();
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void malformedReportLinesAreIgnoredAndNotedWhileGoodOnesCount() throws IOException {
        Ctx c = ctx();
        TrialResult r = sh(String.join("; ",
                "echo '@orchard {{\"step\": 0, \"loss\": 1.5, \"acc\": 0.25}}'",
                "echo '@orchard not json at all'",
                "echo '@orchard [1, 2]'",
                "echo '@orchard {{\"step\": -1, \"loss\": 3}}'",
                "echo '@orchard {{\"step\": 1.5, \"loss\": 3}}'",
                "echo '@orchard {{\"loss\": 3'",
                "echo '@orchardish is an ordinary line'",
                "echo 'an @orchard {{\"loss\": 9}} mid-line is ordinary too'",
                "echo '@orchard {{\"loss\": 0.75, \"note\": \"strings are skipped\"}}'",
                "echo '@orchard {{\"step\": 5, \"loss\": 0.25}}'",
                "echo '@orchard {{\"step\": 6, \"acc\": 0.5}}'")).run(c);
        assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
        assertThat(r.value()).hasValue(0.25);
        assertThat(r.lastStep()).isEqualTo(6);
        assertThat(c.reports).containsExactly(
                Map.entry(0L, Map.of("loss", 1.5, "acc", 0.25)),
                Map.entry(1L, Map.of("loss", 0.75)),
                Map.entry(5L, Map.of("loss", 0.25)),
                Map.entry(6L, Map.of("acc", 0.5)));
        String log = c.log();
        assertThat(log.lines().filter(l -> l.startsWith("[orchard] ignored malformed metric line"))).hasSize(5);
        assertThat(log).contains("\"step\" must be a non-negative integer").contains("expected a JSON object")
                .contains("@orchardish is an ordinary line");
    }

    @Test
    void aNonFiniteMetricFailsTheTrialNamingTheMetric() throws IOException {
        Ctx c = ctx();
        TrialResult r = sh("echo '@orchard {{\"step\": 0, \"loss\": 1.0}}'; echo '@orchard {{\"step\": 1, \"loss\": NaN, \"acc\": 0.5}}'")
                .run(c);
        assertThat(r.state()).isEqualTo(TrialState.FAILED);
        assertThat(r.error()).contains("metric 'loss' was NaN at step 1");
        assertThat(c.reports).containsExactly(Map.entry(0L, Map.of("loss", 1.0)), Map.entry(1L, Map.of("acc", 0.5)));
        assertThat(c.log()).contains("[orchard] not stored (not finite) at line 2: {loss=NaN}");

        TrialResult inf = sh("echo '@orchard {{\"loss\": -Infinity}}'").run(ctx());
        assertThat(inf.error()).hasValueSatisfying(e -> assertThat(e).contains("metric 'loss' was -Infinity"));
        // a later finite value of the metric is what counts
        TrialResult recovered = sh("echo '@orchard {{\"loss\": NaN}}'; echo '@orchard {{\"loss\": 2}}'").run(ctx());
        assertThat(recovered.state()).isEqualTo(TrialState.COMPLETED);
        assertThat(recovered.value()).hasValue(2.0);
    }

    @Test
    void aCommandThatNeverReportsItsMetricFails() {
        TrialResult r = sh("echo training; echo '@orchard {{\"accuracy\": 0.9}}'").run(ctx());
        assertThat(r.state()).isEqualTo(TrialState.FAILED);
        assertThat(r.error()).hasValueSatisfying(e -> assertThat(e).contains("never reported metric 'loss'").contains("training"));
    }

    @Test
    void theTrialEnvironmentIsSet() throws IOException {
        var params = new LinkedHashMap<String, Object>();
        params.put("lr", 0.001);
        params.put("act", "relu");
        params.put("depth", 3L);
        Ctx c = new Ctx(7, params);
        TrialResult r = runner(List.of("sh", "-c", String.join("; ",
                        "echo \"id=$ORCHARD_TRIAL_ID\"",
                        "echo \"exp=$ORCHARD_EXPERIMENT_ID\"",
                        "echo \"params=$ORCHARD_PARAMS\"",
                        "echo \"ckpt=$ORCHARD_CHECKPOINT_DIR\"",
                        "echo \"resume=[$ORCHARD_RESUME_FROM]\"",
                        "echo \"custom=$MY_SETTING\"",
                        "echo \"args={lr} {act} {depth} {trial} {experiment}\"",
                        "echo \"@orchard {{\\\"loss\\\": $ORCHARD_TRIAL_ID}}\"")),
                Optional.empty(), Map.of("MY_SETTING", "from the spec")).run(c);
        assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
        assertThat(r.value()).hasValue(7.0);
        Map<String, String> seen = new LinkedHashMap<>();
        c.log().lines().filter(l -> l.contains("=")).forEach(l -> seen.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        assertThat(seen).containsEntry("id", "7").containsEntry("exp", "1").containsEntry("resume", "[]")
                .containsEntry("custom", "from the spec").containsEntry("args", "0.001 relu 3 7 1");
        assertThat(Json.readMap(seen.get("params"))).containsEntry("lr", 0.001).containsEntry("act", "relu")
                .containsEntry("depth", 3);
        assertThat(Path.of(seen.get("ckpt"))).isEqualTo(c.checkpointDir()).isDirectory();
    }

    @Test
    void theCommandRunsInItsWorkdirWithoutAShellAndReadsNoInput() throws IOException {
        Files.writeString(dir.resolve("marker.txt"), "here");
        // no shell: a parameter value with shell syntax stays one harmless argument
        Ctx c = new Ctx(1, Map.of("lr", "$(touch pwned); echo"));
        TrialResult r = runner(List.of("sh", "-c", "cat marker.txt; cat; printf '%s\\n' \"$1\"; echo '@orchard {{\"loss\": 1}}'",
                "sh", "{lr}"), Optional.of(Duration.ofSeconds(20)), Map.of()).run(c);
        assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
        assertThat(c.log()).contains("here").contains("$(touch pwned); echo");
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    @Test
    void anUnknownPlaceholderFailsTheTrialBeforeAnythingRuns() {
        TrialResult r = runner(List.of("sh", "-c", "touch ran", "{missing}"), Optional.empty(), Map.of()).run(ctx());
        assertThat(r.state()).isEqualTo(TrialState.FAILED);
        assertThat(r.error()).contains("command: {missing} has no value");
        assertThat(dir.resolve("ran")).doesNotExist();
    }
}
