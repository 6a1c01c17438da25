package dev.orchard.engine.execute;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * How often a failed trial runs again: at most {@code maxRetries} more times, after {@code backoff}, then
 * {@code backoff × multiplier}, … (capped at an hour), and only for the failure kinds in {@code on}.
 */
public record RetryPolicy(int maxRetries, Duration backoff, double multiplier, Set<FailureKind> on) {
    /** Crashes and signals: the failures that are often transient (a flaky node, a preemption, a CUDA error). */
    public static final Set<FailureKind> TRANSIENT = Set.copyOf(EnumSet.of(FailureKind.CRASH, FailureKind.SIGNAL));
    public static final RetryPolicy NONE = new RetryPolicy(0, Duration.ZERO, 1, TRANSIENT);
    private static final Duration MAX_DELAY = Duration.ofHours(1);

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("max retries must be >= 0, got " + maxRetries);
        }
        if (backoff == null || backoff.isNegative()) {
            throw new IllegalArgumentException("retry backoff must be >= 0, got " + backoff);
        }
        if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("retry backoff multiplier must be a number >= 1, got " + multiplier);
        }
        on = on == null || on.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(on));
    }

    /** {@code maxRetries} retries of transient failures, 10 s apart, doubling. */
    public static RetryPolicy of(int maxRetries) {
        return new RetryPolicy(maxRetries, Duration.ofSeconds(10), 2, TRANSIENT);
    }

    /** The wait before retry {@code n} (1 for the first). */
    public Duration delayBefore(int n) {
        double ms = backoff.toMillis() * Math.pow(multiplier, Math.max(0, n - 1));
        return ms >= MAX_DELAY.toMillis() ? MAX_DELAY : Duration.ofMillis(Math.round(ms));
    }
}
