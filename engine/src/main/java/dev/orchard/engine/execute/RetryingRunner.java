package dev.orchard.engine.execute;

import dev.orchard.engine.trial.TrialResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs a trial again when it failed in a way its {@link RetryPolicy} retries. Completed, stopped and paused results
 * are returned as they are; the last failure tells how many attempts were made. The attempts share the trial's log (a
 * separator line between them) and context, so metrics of a retried attempt are reported again from its first step.
 * A stop asked for after a failure that would be retried, or during the wait before the retry, ends the trial as
 * stopped (it was not given its chance); so does an interrupt.
 */
public final class RetryingRunner implements TrialRunner {
    private static final Logger LOG = LoggerFactory.getLogger(RetryingRunner.class);
    private static final long POLL_MS = 50;

    private final TrialRunner inner;
    private final RetryPolicy policy;

    public RetryingRunner(TrialRunner inner, RetryPolicy policy) {
        this.inner = inner;
        this.policy = policy;
    }

    @Override
    public boolean startsProcesses() {
        return inner.startsProcesses();
    }

    @Override
    public TrialResult run(TrialContext ctx) {
        TrialResult result = inner.run(ctx);
        int attempt = 1;
        while (true) {
            Optional<FailureKind> kind = FailureKind.of(result);
            if (kind.isEmpty() || !policy.on().contains(kind.get()) || attempt > policy.maxRetries()) {
                return attempt == 1 || kind.isEmpty() ? result
                        : TrialResult.failed("attempt " + attempt + " of " + (policy.maxRetries() + 1) + ": "
                        + result.error().orElse(""), result.lastStep());
            }
            Duration wait = policy.delayBefore(attempt);
            String firstLine = result.error().orElse("").lines().findFirst().orElse("").replaceFirst("; last output:$", "");
            LOG.info("trial {} failed ({}); retry {} of {} in {}", ctx.number(), firstLine, attempt, policy.maxRetries(), wait);
            if (!await(wait, ctx)) {
                return TrialResult.stopped(result.lastStep());
            }
            separator(ctx, "---- retry " + attempt + " of " + policy.maxRetries() + " after: " + firstLine + " ----");
            attempt++;
            result = inner.run(ctx);
        }
    }

    /** Waits, checking for a stop; false when the trial should end instead. */
    private static boolean await(Duration wait, TrialContext ctx) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (!ctx.stopRequested()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                Thread.sleep(Math.min(POLL_MS, Math.max(1, left / 1_000_000)));
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void separator(TrialContext ctx, String text) {
        try {
            Files.createDirectories(ctx.logFile().toAbsolutePath().getParent());
            Files.writeString(ctx.logFile(), "[orchard] " + text + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.warn("cannot write to trial log {}: {}", ctx.logFile(), e.getMessage());
        }
    }
}
