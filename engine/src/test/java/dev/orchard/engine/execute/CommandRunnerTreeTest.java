package dev.orchard.engine.execute;

import dev.orchard.engine.trial.Resources;
import dev.orchard.engine.trial.TrialResult;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

/** Command trials as process groups: their environment, their end (stop, exit, signal) and what they leave behind. */
class CommandRunnerTreeTest {
    @TempDir
    Path dir;
    final List<Long> leftovers = new ArrayList<>();
    final ExecutorService worker = Executors.newSingleThreadExecutor();

    @BeforeAll
    static void needsAPosixShell() {
        assumeTrue(Processes.onPath("sh") && Processes.onPath("sleep"), "needs sh and sleep on the PATH");
    }

    @AfterEach
    void cleanUp() {
        worker.shutdownNow();
        Processes.killAll(leftovers);
    }

    TestTrialContext ctx() {
        return new TestTrialContext(dir, 3, Map.of("lr", 0.1));
    }

    /** A runner of {@code sh -c script}; the script is a command argument, so its braces are doubled. */
    CommandRunner sh(String script) {
        return CommandRunner.builder(List.of("sh", "-c", script)).workdir(dir).metric("loss")
                .timeout(Duration.ofSeconds(60)).grace(Duration.ofSeconds(5)).build();
    }

    List<Long> pids(Path file, int n) throws Exception {
        List<Long> pids = Processes.awaitPids(file, n, Duration.ofSeconds(20));
        leftovers.addAll(pids);
        return pids;
    }

    @Test
    void theEnvironmentCarriesTheTrialsResourcesCheckpointAndResumePoint() throws Exception {
        TestTrialContext c = ctx();
        c.resources = new Resources(List.of(1, 3), 2);
        c.resumeFrom = Optional.of(dir.resolve("earlier").resolve("ckpt"));
        TrialResult r = CommandRunner.builder(List.of("sh", "-c", String.join("; ",
                        "echo \"cuda=[$CUDA_VISIBLE_DEVICES]\"",
                        "echo \"resume=[$ORCHARD_RESUME_FROM]\"",
                        "echo \"ckpt=$ORCHARD_CHECKPOINT_DIR\"",
                        "echo \"unbuffered=$PYTHONUNBUFFERED\"",
                        "echo \"pgid=$(cut -d' ' -f5 /proc/$$/stat)\"",
                        "echo '@orchard {{\"loss\": 1}}'")))
                .workdir(dir).metric("loss").env(Map.of("CUDA_VISIBLE_DEVICES", "0,1,2,3", "ORCHARD_TRIAL_ID", "x"))
                .build().run(c);
        assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
        Map<String, String> seen = vars(c.log());
        assertThat(seen).containsEntry("cuda", "[1,3]") // the lease's GPUs, whatever the spec's env says
                .containsEntry("resume", "[" + dir.resolve("earlier").resolve("ckpt") + "]")
                .containsEntry("ckpt", c.checkpointDir().toString())
                .containsEntry("unbuffered", "1");
        assertThat(c.checkpointDir()).isDirectory();
        assertThat(c.started).hasSize(1);
        assertThat(c.started.get(0).pid()).as("the handle leads the trial's process group").hasToString(seen.get("pgid"));
        assertThat(RunRecord.read(c.logFile()).orElseThrow().gpus()).as("a later engine gives it the same GPUs").containsExactly(1, 3);
    }

    @Test
    void aCpuTrialSeesNoGpu() throws Exception {
        TestTrialContext c = ctx();
        TrialResult r = sh("echo \"cuda=[${{CUDA_VISIBLE_DEVICES-unset}}]\"; echo '@orchard {{\"loss\": 1}}'").run(c);
        assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
        assertThat(vars(c.log())).containsEntry("cuda", "[]");
    }

    static Map<String, String> vars(String log) {
        Map<String, String> seen = new LinkedHashMap<>();
        log.lines().filter(l -> l.contains("=") && !l.startsWith("@")).forEach(l -> seen.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        return seen;
    }

    @Test
    void aTrialRunsInAProcessGroupOfItsOwn() throws Exception {
        assumeTrue(ProcessTree.sessionsSupported() && Files.isDirectory(Path.of("/proc")), "needs setsid and /proc");
        TestTrialContext c = ctx();
        // fields 5 and 6 of /proc/PID/stat are the process group and the session
        TrialResult r = sh("echo \"pgid=$(cut -d' ' -f5 /proc/$$/stat)\"; echo \"sid=$(cut -d' ' -f6 /proc/$$/stat)\"; "
                + "echo '@orchard {{\"loss\": 1}}'").run(c);
        assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
        Map<String, String> seen = vars(c.log());
        String leader = String.valueOf(c.started.get(0).pid());
        assertThat(seen).containsEntry("pgid", leader).containsEntry("sid", leader);
        assertThat(Long.parseLong(leader)).isNotEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void aStopEndsChildrenAndGrandchildren() throws Exception {
        TestTrialContext c = ctx();
        Path file = dir.resolve("pids");
        var runner = sh("sleep 1000 & echo $! >> pids; "
                + "sh -c 'sleep 1000 & echo $! >> pids; wait' & echo $! >> pids; "
                + "echo $$ >> pids; echo started; wait");
        Future<TrialResult> f = worker.submit(() -> runner.run(c));
        List<Long> pids = pids(file, 4);
        assertThat(pids).allMatch(Processes::running);
        c.stop = true;
        TrialResult r = f.get(60, TimeUnit.SECONDS);
        assertThat(r.state()).isEqualTo(TrialState.STOPPED);
        assertThat(Processes.allGone(pids, Duration.ofSeconds(10))).as("processes %s are gone", pids).isTrue();
    }

    @Test
    void childrenLeftBehindByATrialThatExitedAreEndedAndDoNotHoldItOpen() throws Exception {
        TestTrialContext c = ctx();
        // one child keeps the trial's output open, one detached from it: neither may outlive the trial
        TrialResult r = sh("sleep 1000 & echo $! >> pids; "
                + "sleep 1000 >/dev/null 2>&1 & echo $! >> pids; "
                + "echo '@orchard {{\"loss\": 0.5}}'; exit 0").run(c);
        List<Long> pids = pids(dir.resolve("pids"), 2);
        assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
        assertThat(r.value()).hasValue(0.5);
        assertThat(Processes.allGone(pids, Duration.ofSeconds(10))).as("processes %s are gone", pids).isTrue();
    }

    @Test
    @Timeout(60)
    void aGrandchildThatLeftTheSessionHoldingTheOutputNeitherKeepsTheTrialWaitingNorOutlivesIt() throws Exception {
        assumeTrue(Processes.onPath("setsid"), "needs setsid");
        TestTrialContext c = ctx();
        // one escapee keeps the output open, one closed its stdio; a third escapes through a parent that exits
        TrialResult r = sh("setsid sleep 1000 & echo $! >> pids; "
                + "setsid sleep 1000 </dev/null >/dev/null 2>&1 & echo $! >> pids; "
                + "sh -c 'setsid sleep 1000 & echo $! >> pids' ; "
                + "echo '@orchard {{\"loss\": 0.5}}'; exit 0").run(c);
        List<Long> pids = pids(dir.resolve("pids"), 3);
        assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
        assertThat(r.value()).hasValue(0.5);
        assertThat(Processes.allGone(pids, Duration.ofSeconds(10))).as("escaped processes %s are gone", pids).isTrue();
    }

    @Test
    @Timeout(60)
    void aTimeoutFiresWhateverAnEscapedGrandchildDoes() throws Exception {
        assumeTrue(Processes.onPath("setsid"), "needs setsid");
        TestTrialContext c = ctx();
        TrialResult r = CommandRunner.builder(List.of("sh", "-c", "setsid sh -c 'trap \"\" TERM; sleep 1000' & echo $! >> pids; "
                        + "echo working; sleep 1000")).workdir(dir).metric("loss")
                .timeout(Duration.ofMillis(800)).grace(Duration.ofSeconds(2)).build().run(c);
        List<Long> pids = pids(dir.resolve("pids"), 1);
        assertThat(r.state()).isEqualTo(TrialState.FAILED);
        assertThat(r.error()).hasValueSatisfying(e -> assertThat(e).startsWith("timed out after 0.8 s"));
        assertThat(Processes.allGone(pids, Duration.ofSeconds(10))).as("the escapee that ignores SIGTERM is killed").isTrue();
    }

    @Test
    void aTrialKilledByASignalFailsNamingTheSignal() {
        TrialResult segv = sh("echo before; kill -SEGV $$").run(ctx());
        assertThat(segv.state()).isEqualTo(TrialState.FAILED);
        assertThat(segv.error()).hasValueSatisfying(e -> assertThat(e).startsWith("exit code 139 (SIGSEGV); last output:\nbefore"));
        TrialResult killed = sh("kill -KILL $$").run(ctx());
        assertThat(killed.error()).hasValue("exit code 137 (SIGKILL, often the out-of-memory killer)");
        assertThat(FailureKind.of(killed)).hasValue(FailureKind.SIGNAL);
        TrialResult plain = sh("exit 4").run(ctx());
        assertThat(plain.error()).hasValue("exit code 4");
        assertThat(FailureKind.of(plain)).hasValue(FailureKind.CRASH);
    }

    @Test
    void aTimeoutIsAFailureThatSaysSo() {
        TrialResult r = CommandRunner.builder(List.of("sh", "-c", "echo working; sleep 1000")).workdir(dir).metric("loss")
                .timeout(Duration.ofMillis(500)).grace(Duration.ofSeconds(5)).build().run(ctx());
        assertThat(r.state()).isEqualTo(TrialState.FAILED);
        assertThat(r.error()).hasValue("timed out after 0.5 s; last output:\nworking");
        assertThat(FailureKind.of(r)).hasValue(FailureKind.TIMEOUT);
    }

    @Test
    void aProgramThatCannotStartSaysWhyAndWhere() throws Exception {
        TrialResult missing = CommandRunner.builder(List.of("no-such-program-orchard")).workdir(dir).build().run(ctx());
        assertThat(missing.error()).hasValueSatisfying(e -> assertThat(e)
                .startsWith("cannot start no-such-program-orchard in " + dir + ": not found on the PATH"));
        assertThat(FailureKind.of(missing)).hasValue(FailureKind.START);
        Files.writeString(dir.resolve("train.sh"), "echo hi");
        TrialResult notExecutable = CommandRunner.builder(List.of("./train.sh")).workdir(dir).build().run(ctx());
        assertThat(notExecutable.error()).hasValue("cannot start ./train.sh in " + dir + ": not an executable file");
        // a relative program is found in the trial's directory, as the child would find it
        Processes.script(dir.resolve("ok.sh"), "echo '@orchard {\"value\": 2}'"); // a file: no placeholders
        assertThat(CommandRunner.builder(List.of("./ok.sh")).workdir(dir).build().run(ctx()).value()).hasValue(2.0);
    }
}
