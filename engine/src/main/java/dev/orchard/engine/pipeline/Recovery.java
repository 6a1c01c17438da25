package dev.orchard.engine.pipeline;

import java.util.Optional;

/**
 * What an {@code onError} handler decides: use a value instead of the missing output, rethrow (the pipeline fails),
 * or skip (this stage and the stages that need its output are skipped; in a loop, the rest of this iteration).
 */
public sealed interface Recovery<T> {
    record Recover<T>(T value) implements Recovery<T> {
    }

    record Rethrow<T>() implements Recovery<T> {
    }

    record Skip<T>() implements Recovery<T> {
    }

    static <T> Recovery<T> recover(T value) {
        return new Recover<>(value);
    }

    static <T> Recovery<T> rethrow() {
        return new Rethrow<>();
    }

    static <T> Recovery<T> skip() {
        return new Skip<>();
    }

    /** The handler of an edge: decides from the failure. */
    @FunctionalInterface
    interface Handler<T> {
        Recovery<T> handle(StageFailure failure) throws Exception;
    }

    static <T> Optional<T> valueOf(Recovery<T> r) {
        return r instanceof Recover<T> rv ? Optional.of(rv.value()) : Optional.empty();
    }
}
