package dev.orchard.engine.experiment;

import dev.orchard.engine.trial.ExperimentStatus;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for the end of something that runs (a sweep, a pipeline): its final status. */
final class Completion {
    private Completion() {
    }

    static ExperimentStatus await(CompletableFuture<ExperimentStatus> done) throws InterruptedException {
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Empty if it has not ended within {@code timeout}. */
    static Optional<ExperimentStatus> await(CompletableFuture<ExperimentStatus> done, Duration timeout) throws InterruptedException {
        try {
            return Optional.of(done.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
