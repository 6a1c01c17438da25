package dev.orchard.engine.execute;

import dev.orchard.engine.trial.TrialResult;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Retries of failed trials: real commands that fail some times, and stops during the wait. */
class RetryingRunnerTest {
    @TempDir
    Path dir;
    final ExecutorService worker = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        worker.shutdownNow();
    }

    static RetryPolicy quick(int retries, Set<FailureKind> on) {
        return new RetryPolicy(retries, Duration.ofMillis(1), 2, on);
    }

    /** A command that fails (exit 1) on its first {@code failures} runs, then reports loss 0.5. */
    CommandRunner flaky(int failures) throws Exception {
        assumeTrue(Processes.onPath("sh") && Processes.onPath("cat"), "needs sh and cat");
        Processes.script(dir.resolve("flaky.sh"), String.join("\n",
                "n=$(cat runs 2>/dev/null || echo 0); n=$((n + 1)); echo $n > runs",
                "echo \"run $n\"",
                "if [ $n -le " + failures + " ]; then echo \"crash in run $n\"; exit 1; fi",
                "echo '@orchard {\"loss\": 0.5}'"));
        return CommandRunner.builder(List.of("./flaky.sh")).workdir(dir).metric("loss").build();
    }

    int runs() throws Exception {
        return Integer.parseInt(Files.readString(dir.resolve("runs")).strip());
    }

    @Test
    void aTransientFailureIsRetriedAndTheAttemptsShareTheLog() throws Exception {
        var c = new TestTrialContext(dir, 0, Map.of());
        TrialResult r = new RetryingRunner(flaky(2), quick(3, RetryPolicy.TRANSIENT)).run(c);
        assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
        assertThat(r.value()).hasValue(0.5);
        assertThat(runs()).isEqualTo(3);
        assertThat(c.log()).isEqualTo(String.join("\n",
                "run 1", "crash in run 1",
                "[orchard] ---- retry 1 of 3 after: exit code 1 ----",
                "run 2", "crash in run 2",
                "[orchard] ---- retry 2 of 3 after: exit code 1 ----",
                "run 3", "@orchard {\"loss\": 0.5}", ""));
    }

    @Test
    void theLastFailureSaysHowManyAttemptsWereMade() throws Exception {
        TrialResult r = new RetryingRunner(flaky(10), quick(2, RetryPolicy.TRANSIENT)).run(new TestTrialContext(dir, 0, Map.of()));
        assertThat(r.state()).isEqualTo(TrialState.FAILED);
        assertThat(r.error()).hasValueSatisfying(e -> assertThat(e).startsWith("attempt 3 of 3: exit code 1; last output:\nrun 3\ncrash in run 3"));
        assertThat(runs()).isEqualTo(3);
    }

    @Test
    void failuresOfOtherKindsAreNotRetried() throws Exception {
        TrialResult r = new RetryingRunner(flaky(10), quick(5, EnumSet.of(FailureKind.TIMEOUT)))
                .run(new TestTrialContext(dir, 0, Map.of()));
        assertThat(r.error()).hasValueSatisfying(e -> assertThat(e).startsWith("exit code 1"));
        assertThat(runs()).isEqualTo(1);
        assertThat(new RetryingRunner(flaky(10), RetryPolicy.NONE).run(new TestTrialContext(dir, 1, Map.of())).state())
                .isEqualTo(TrialState.FAILED);
        assertThat(runs()).isEqualTo(2);
    }

    @Test
    void completedAndStoppedTrialsRunOnce() {
        var calls = new AtomicInteger();
        var ctx = new TestTrialContext(dir, 0, Map.of());
        assertThat(new RetryingRunner(c -> {
            calls.incrementAndGet();
            return TrialResult.completed(1, 3);
        }, quick(3, EnumSet.allOf(FailureKind.class))).run(ctx).value()).hasValue(1.0);
        assertThat(new RetryingRunner(c -> {
            calls.incrementAndGet();
            return TrialResult.stopped(2);
        }, quick(3, EnumSet.allOf(FailureKind.class))).run(ctx).state()).isEqualTo(TrialState.STOPPED);
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void aStopDuringTheWaitEndsTheTrialAsStopped() throws Exception {
        var ctx = new TestTrialContext(dir, 0, Map.of());
        var failed = new CountDownLatch(1);
        var calls = new AtomicInteger();
        var runner = new RetryingRunner(c -> {
            calls.incrementAndGet();
            failed.countDown();
            return TrialResult.failed("exit code 1", 4);
        }, new RetryPolicy(3, Duration.ofHours(1), 2, RetryPolicy.TRANSIENT));
        Future<TrialResult> f = worker.submit(() -> runner.run(ctx));
        assertThat(failed.await(30, TimeUnit.SECONDS)).isTrue();
        ctx.stop = true;
        TrialResult r = f.get(30, TimeUnit.SECONDS);
        assertThat(r.state()).isEqualTo(TrialState.STOPPED);
        assertThat(r.lastStep()).isEqualTo(4);
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void anInterruptDuringTheWaitEndsTheTrialAsStopped() throws Exception {
        var ctx = new TestTrialContext(dir, 0, Map.of());
        var failed = new CountDownLatch(1);
        var runner = new RetryingRunner(c -> {
            failed.countDown();
            return TrialResult.failed("exit code 1", -1);
        }, new RetryPolicy(3, Duration.ofHours(1), 2, RetryPolicy.TRANSIENT));
        var interrupted = new java.util.concurrent.atomic.AtomicBoolean();
        Future<TrialResult> f = worker.submit(() -> {
            TrialResult r = runner.run(ctx);
            interrupted.set(Thread.currentThread().isInterrupted());
            return r;
        });
        assertThat(failed.await(30, TimeUnit.SECONDS)).isTrue();
        worker.shutdownNow(); // interrupts the worker
        assertThat(worker.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(f.get().state()).isEqualTo(TrialState.STOPPED);
        assertThat(interrupted.get()).as("the interrupt is kept for the caller").isTrue();
    }

    @Test
    void theBackoffGrowsAndIsCapped() {
        var p = new RetryPolicy(10, Duration.ofSeconds(2), 3, RetryPolicy.TRANSIENT);
        assertThat(p.delayBefore(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.delayBefore(2)).isEqualTo(Duration.ofSeconds(6));
        assertThat(p.delayBefore(3)).isEqualTo(Duration.ofSeconds(18));
        assertThat(p.delayBefore(40)).isEqualTo(Duration.ofHours(1));
        assertThat(RetryPolicy.of(2)).isEqualTo(new RetryPolicy(2, Duration.ofSeconds(10), 2, RetryPolicy.TRANSIENT));
    }

    @Test
    void policiesAreValidated() {
        assertThatThrownBy(() -> new RetryPolicy(-1, Duration.ZERO, 1, Set.of())).hasMessage("max retries must be >= 0, got -1");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(-1), 1, Set.of())).hasMessageContaining("backoff must be >= 0");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, 0.5, Set.of())).hasMessage("retry backoff multiplier must be a number >= 1, got 0.5");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, Double.NaN, Set.of())).hasMessageContaining("got NaN");
        assertThat(new RetryPolicy(1, Duration.ZERO, 1, null).on()).isEmpty();
    }

    @Test
    void failureKindsOfInProcessTrials() {
        var ctx = new TestTrialContext(dir, 0, Map.of());
        assertThat(FailureKind.of(new InProcessRunner(c -> {
            throw new IllegalStateException("CUDA error: an illegal memory access");
        }).run(ctx))).hasValue(FailureKind.CRASH);
        assertThat(FailureKind.of(new InProcessRunner(c -> Double.NaN).run(ctx))).hasValue(FailureKind.RESULT);
        assertThat(FailureKind.of(new InProcessRunner(c -> 1.0).run(ctx))).isEmpty();
        assertThat(FailureKind.of(TrialResult.failed("the command never reported metric 'loss'", 0))).hasValue(FailureKind.RESULT);
        assertThat(FailureKind.of(TrialResult.failed("metric 'loss' was NaN at step 3", 0))).hasValue(FailureKind.RESULT);
        assertThat(FailureKind.of(TrialResult.failed("command: {x} has no value", 0))).hasValue(FailureKind.START);
    }
}
