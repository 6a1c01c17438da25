package dev.orchard.app.support;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Runs engine work off the UI thread and hands its outcome back on the UI thread. The workbench uses a background
 * pool and {@code Platform::runLater}; view-model tests pass executors of their own (direct, or queues they step).
 *
 * @param background where the work runs (never the FX thread)
 * @param ui         where results are applied to view-model state (the FX thread in the app)
 */
public record Async(Executor background, Executor ui) {

    /** Both on the calling thread: for view-model tests that want everything synchronous. */
    public static Async direct() {
        return new Async(Runnable::run, Runnable::run);
    }

    /**
     * Runs {@code work} on the background executor, then {@code onSuccess} or {@code onFailure} on the UI executor.
     * The returned future completes after that handler ran, with the work's result or its failure.
     */
    public <T> CompletableFuture<T> run(Callable<T> work, Consumer<? super T> onSuccess, Consumer<Throwable> onFailure) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            background.execute(() -> {
                T value;
                try {
                    value = work.call();
                } catch (Throwable t) {
                    ui.execute(() -> fail(result, t, onFailure));
                    return;
                }
                ui.execute(() -> {
                    try {
                        onSuccess.accept(value);
                        result.complete(value);
                    } catch (Throwable t) {
                        result.completeExceptionally(t);
                    }
                });
            });
        } catch (RuntimeException rejected) {
            fail(result, rejected, onFailure);
        }
        return result;
    }

    private static <T> void fail(CompletableFuture<T> result, Throwable t, Consumer<Throwable> onFailure) {
        try {
            onFailure.accept(t);
        } finally {
            result.completeExceptionally(t);
        }
    }
}
