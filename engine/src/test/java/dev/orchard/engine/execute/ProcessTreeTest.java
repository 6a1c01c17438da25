package dev.orchard.engine.execute;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Ending real process trees: a group with children and grandchildren, SIGTERM ignored, orphans after a crash. */
class ProcessTreeTest {
    @TempDir
    Path dir;
    final List<Long> started = new ArrayList<>();

    @BeforeAll
    static void needsAPosixShell() {
        assumeTrue(Processes.onPath("sh") && Processes.onPath("sleep"), "needs sh and sleep on the PATH");
    }

    @AfterEach
    void killLeftovers() {
        Processes.killAll(started);
    }

    /** Starts {@code sh -c script} the way a trial starts; its stdout is discarded so no pipe keeps anything alive. */
    Process start(String script) throws Exception {
        Process p = new ProcessBuilder(ProcessTree.inOwnSession(List.of("sh", "-c", script))).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p.pid());
        return p;
    }

    List<Long> pids(String file, int n) throws Exception {
        List<Long> pids = Processes.awaitPids(dir.resolve(file), n, Duration.ofSeconds(20));
        started.addAll(pids);
        return pids;
    }

    /**
     * A child in the background and a grandchild under a second shell; every pid goes to {@code pids} (in no set
     * order), the leader's also to {@code leader}.
     */
    static final String TREE = "echo $$ > leader; echo $$ >> pids; sleep 1000 & echo $! >> pids; "
            + "sh -c 'sleep 1000 & echo $! >> pids; wait' & echo $! >> pids; wait";

    @Test
    void aTrialLeadsItsOwnProcessGroup() throws Exception {
        assumeTrue(ProcessTree.sessionsSupported() && Files.isDirectory(Path.of("/proc")), "needs setsid and /proc");
        Process p = start("echo $$ > pids; sleep 1000");
        long pid = pids("pids", 1).get(0);
        assertThat(pid).as("setsid execs in place").isEqualTo(p.pid());
        assertThat(ProcessTree.leadsGroup(p.pid())).isTrue();
        assertThat(ProcessTree.leadsGroup(ProcessHandle.current().pid())).as("never the engine itself").isFalse();
        assertThat(ProcessTree.terminate(p.toHandle(), Duration.ofSeconds(10))).isEqualTo(ProcessTree.Outcome.TERMINATED);
    }

    @Test
    void terminateEndsChildrenAndGrandchildren() throws Exception {
        Process p = start(TREE);
        List<Long> pids = pids("pids", 4);
        assertThat(pids).allMatch(Processes::running);
        assertThat(ProcessTree.terminate(p.toHandle(), Duration.ofSeconds(10))).isEqualTo(ProcessTree.Outcome.TERMINATED);
        assertThat(Processes.allGone(pids, Duration.ofSeconds(10))).as("processes %s are gone", pids).isTrue();
        assertThat(ProcessTree.terminate(p.toHandle(), Duration.ofSeconds(10))).isEqualTo(ProcessTree.Outcome.NOT_RUNNING);
    }

    @Test
    void withoutASessionTheVisibleTreeIsEnded() throws Exception {
        // how it goes where there is no setsid (macOS): the process and its descendants, as far as they can be seen
        Process p = new ProcessBuilder("sh", "-c", TREE).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p.pid());
        List<Long> pids = pids("pids", 4);
        assertThat(ProcessTree.leadsGroup(p.pid())).isFalse();
        assertThat(ProcessTree.terminate(p.toHandle(), Duration.ofSeconds(10))).isEqualTo(ProcessTree.Outcome.TERMINATED);
        assertThat(Processes.allGone(pids, Duration.ofSeconds(10))).as("processes %s are gone", pids).isTrue();
    }

    @Test
    void whatIgnoresSigtermIsKilledAfterTheGracePeriod() throws Exception {
        Process p = start("sh -c 'trap \"\" TERM; echo $$ >> pids; while true; do sleep 0.1; done' & "
                + "trap '' TERM; echo $$ >> pids; wait");
        List<Long> pids = pids("pids", 2);
        assertThat(ProcessTree.terminate(p.toHandle(), Duration.ofMillis(300))).isEqualTo(ProcessTree.Outcome.KILLED);
        assertThat(Processes.allGone(pids, Duration.ofSeconds(10))).as("processes %s are gone", pids).isTrue();
    }

    @Test
    void theGroupIsEndedEvenAfterItsLeaderExited() throws Exception {
        assumeTrue(ProcessTree.sessionsSupported(), "needs setsid: without a group, an orphan cannot be found");
        Process p = start("sleep 1000 & echo $! >> pids; exit 0");
        List<Long> pids = pids("pids", 1);
        p.waitFor();
        assertThat(pids).allMatch(Processes::running);
        assertThat(ProcessTree.terminate(p.toHandle(), Duration.ofSeconds(10))).isEqualTo(ProcessTree.Outcome.TERMINATED);
        assertThat(Processes.allGone(pids, Duration.ofSeconds(10))).as("processes %s are gone", pids).isTrue();
    }

    @Test
    void killOrphanEndsADetachedTrialOnlyIfItIsTheSameProcess() throws Exception {
        assumeTrue(ProcessTree.sessionsSupported() && Processes.onPath("setsid"), "needs setsid");
        // as a crashed engine leaves it: a trial in its own session, its parent gone
        Process launcher = new ProcessBuilder("sh", "-c", "setsid sh -c '" + TREE.replace("'", "'\\''") + "' >/dev/null 2>&1 &")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(launcher.waitFor()).isZero();
        List<Long> pids = pids("pids", 4);
        long leader = pids("leader", 1).get(0);
        assertThat(ProcessHandle.of(leader).flatMap(h -> h.parent()).map(ProcessHandle::pid))
                .as("detached from this JVM").isNotEqualTo(java.util.Optional.of(ProcessHandle.current().pid()));
        Instant startedAt = ProcessHandle.of(leader).orElseThrow().info().startInstant().orElseThrow();

        // a recorded start an hour off: the pid now belongs to another process, which is left alone
        assertThat(ProcessTree.killOrphan(leader, startedAt.minus(Duration.ofHours(1)), Duration.ofSeconds(10)))
                .isEqualTo(ProcessTree.Outcome.OTHER_PROCESS);
        assertThat(ProcessTree.killOrphan(leader, startedAt.plusSeconds(5), Duration.ofSeconds(10)))
                .isEqualTo(ProcessTree.Outcome.OTHER_PROCESS);
        assertThat(pids).allMatch(Processes::running);

        assertThat(ProcessTree.killOrphan(leader, startedAt.plusMillis(400), Duration.ofSeconds(10)))
                .isEqualTo(ProcessTree.Outcome.TERMINATED);
        assertThat(Processes.allGone(pids, Duration.ofSeconds(10))).as("processes %s are gone", pids).isTrue();
        assertThat(ProcessTree.killOrphan(leader, startedAt, Duration.ofSeconds(10))).isEqualTo(ProcessTree.Outcome.NOT_RUNNING);
    }

    @Test
    void killOrphanOfAPidNoProcessHasDoesNothing() {
        long unused = Long.MAX_VALUE / 2;
        assertThat(ProcessTree.killOrphan(unused, Instant.now(), Duration.ofSeconds(1))).isEqualTo(ProcessTree.Outcome.NOT_RUNNING);
    }
}
