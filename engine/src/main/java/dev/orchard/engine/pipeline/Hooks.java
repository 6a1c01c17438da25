package dev.orchard.engine.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The hooks of one {@code through}: they act on the data of type {@code T} that the stage before it gives. Run
 * hooks ({@link #timeout}, {@link #retry}, {@link #onError}, {@link #cache}, {@link #checkpoint}) govern how that
 * stage runs; data hooks ({@link #validate}, {@link #before}, {@link #after}, {@link #metrics}) see its output;
 * {@link #profile} publishes timings. A {@link HookSet} applies a reusable group of them.
 */
public final class Hooks<T> {
    record Validation<T>(Predicate<? super T> test, String message) {
    }

    final List<Consumer<? super T>> before = new ArrayList<>();
    final List<Consumer<? super T>> after = new ArrayList<>();
    final List<Validation<T>> validations = new ArrayList<>();
    final List<Function<? super T, Map<String, Double>>> metrics = new ArrayList<>();
    boolean checkpoint;
    boolean cache;
    String cacheVersion = "";
    boolean profile;
    Optional<Duration> timeout = Optional.empty();
    int retries;
    Duration backoff = Duration.ofMillis(500);
    Optional<Recovery.Handler<T>> onError = Optional.empty();

    /** Runs on the data before the next stage gets it (after validation). */
    public Hooks<T> before(Consumer<? super T> hook) {
        before.add(hook);
        return this;
    }

    /** Runs on the data once the next stage has finished with it (at once when no stage follows). */
    public Hooks<T> after(Consumer<? super T> hook) {
        after.add(hook);
        return this;
    }

    /** The data must pass; otherwise the stage before failed (and is retried, if retries are set). */
    public Hooks<T> validate(Predicate<? super T> test) {
        return validate(test, "validation failed");
    }

    public Hooks<T> validate(Predicate<? super T> test, String message) {
        validations.add(new Validation<>(test, message));
        return this;
    }

    /** The output is stored; a resumed run continues after the last checkpointed stage. */
    public Hooks<T> checkpoint() {
        checkpoint = true;
        return this;
    }

    /** The output is stored under a content hash of the stage, its configuration and its input, and reused by later runs. */
    public Hooks<T> cache() {
        cache = true;
        return this;
    }

    /** {@link #cache()}, with a version to change when the stage's code changes (old entries then no longer match). */
    public Hooks<T> cache(String version) {
        cache = true;
        cacheVersion = version;
        return this;
    }

    /** The stage is interrupted and fails (retryable) when it runs longer. */
    public Hooks<T> timeout(Duration limit) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + limit);
        }
        timeout = Optional.of(limit);
        return this;
    }

    /** Retries a failed stage up to {@code times} more times, waiting 0.5 s, 1 s, 2 s, ... (at most a minute) between. */
    public Hooks<T> retry(int times) {
        return retry(times, Duration.ofMillis(500));
    }

    /** Retries with exponential backoff starting at {@code firstWait}. */
    public Hooks<T> retry(int times, Duration firstWait) {
        if (times < 0 || times > 100) {
            throw new IllegalArgumentException("retry takes 0 to 100 times, got " + times);
        }
        if (firstWait.isNegative()) {
            throw new IllegalArgumentException("retry backoff must not be negative, got " + firstWait);
        }
        retries = times;
        backoff = firstWait;
        return this;
    }

    /** Decides what happens when the stage failed after its retries: recover with a value, rethrow or skip. */
    public Hooks<T> onError(Recovery.Handler<T> handler) {
        onError = Optional.of(handler);
        return this;
    }

    /** Numbers taken from the data, published as stage metrics and stored with the run. */
    public Hooks<T> metrics(Function<? super T, Map<String, Double>> extract) {
        metrics.add(extract);
        return this;
    }

    /** Publishes the stage's timings (run, hooks, attempts, cache) as events. */
    public Hooks<T> profile() {
        profile = true;
        return this;
    }

    /** Applies a reusable set of hooks. */
    public Hooks<T> use(HookSet set) {
        set.apply(this);
        return this;
    }

    /** These hooks with {@code own} on top: lists add up, flags combine, and {@code own}'s settings win. */
    Hooks<T> overlay(Hooks<T> own) {
        Hooks<T> h = new Hooks<>();
        h.before.addAll(before);
        h.before.addAll(own.before);
        h.after.addAll(after);
        h.after.addAll(own.after);
        h.validations.addAll(validations);
        h.validations.addAll(own.validations);
        h.metrics.addAll(metrics);
        h.metrics.addAll(own.metrics);
        h.checkpoint = checkpoint || own.checkpoint;
        h.cache = cache || own.cache;
        h.cacheVersion = own.cache ? own.cacheVersion : cacheVersion;
        h.profile = profile || own.profile;
        h.timeout = own.timeout.isPresent() ? own.timeout : timeout;
        h.retries = own.retries > 0 ? own.retries : retries;
        h.backoff = own.retries > 0 ? own.backoff : backoff;
        h.onError = own.onError.isPresent() ? own.onError : onError;
        return h;
    }

    boolean isEmpty() {
        return before.isEmpty() && after.isEmpty() && validations.isEmpty() && metrics.isEmpty() && !checkpoint && !cache
                && !profile && timeout.isEmpty() && retries == 0 && onError.isEmpty();
    }

    /** What these hooks do, in words (for {@code orchard validate} and the canvas). */
    public String describe() {
        var parts = new ArrayList<String>();
        if (!validations.isEmpty()) {
            parts.add("validate×" + validations.size());
        }
        timeout.ifPresent(t -> parts.add("timeout " + t.toMillis() / 1000.0 + " s"));
        if (retries > 0) {
            parts.add("retry " + retries);
        }
        onError.ifPresent(h -> parts.add("on_error"));
        if (cache) {
            parts.add("cache");
        }
        if (checkpoint) {
            parts.add("checkpoint");
        }
        if (!metrics.isEmpty()) {
            parts.add("metrics");
        }
        if (profile) {
            parts.add("profile");
        }
        if (!before.isEmpty() || !after.isEmpty()) {
            parts.add("before/after");
        }
        return String.join(", ", parts);
    }
}
