package dev.orchard.engine.experiment;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.events.EventBus;
import dev.orchard.engine.pipeline.PipelineFailedException;
import dev.orchard.engine.pipeline.PipelineRun;
import dev.orchard.engine.store.Store;
import dev.orchard.engine.trial.ExperimentStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A pipeline running as a stored experiment (kind {@code pipeline}): its status in the history, pause / resume / stop
 * that reach the sweeps its stages run, and its output. Started and resumed through {@link Orchard}.
 */
public final class PipelineExperiment {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineExperiment.class);

    private final long experimentId;
    private final String name;
    private final PipelineRun run;
    private final Store store;
    private final EventBus bus;
    private final CompletableFuture<ExperimentStatus> done = new CompletableFuture<>();
    private volatile ExperimentStatus status = ExperimentStatus.CREATED;
    private volatile Optional<Object> output = Optional.empty();
    private volatile boolean closing;
    private Thread thread;

    PipelineExperiment(long experimentId, String name, PipelineRun run, Store store, EventBus bus) {
        this.experimentId = experimentId;
        this.name = name;
        this.run = run;
        this.store = store;
        this.bus = bus;
    }

    synchronized PipelineExperiment start(Object input) {
        thread = new Thread(() -> body(input), "orchard-pipeline-" + experimentId);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void body(Object input) {
        ExperimentStatus end;
        String message = null;
        setStatus(ExperimentStatus.RUNNING, null);
        try {
            PipelineRun.Result r = run.run(input);
            output = r.output();
            end = r.status() == PipelineRun.Result.Status.STOPPED ? ExperimentStatus.STOPPED : ExperimentStatus.COMPLETED;
            if (!r.skipped().isEmpty()) {
                message = "skipped: " + String.join(", ", r.skipped());
            }
        } catch (PipelineFailedException e) {
            end = ExperimentStatus.FAILED;
            message = e.getMessage();
        } catch (RuntimeException e) {
            LOG.error("pipeline {} failed", experimentId, e);
            end = ExperimentStatus.FAILED;
            message = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        if (closing) {
            // the engine closes: whatever the run's end looked like, it was cut short; it stays resumable
            end = ExperimentStatus.PAUSED;
            message = "paused while the engine closed; continue it with orchard resume " + experimentId;
        }
        setStatus(end, message);
        done.complete(end);
    }

    private synchronized void setStatus(ExperimentStatus s, String message) {
        if (status != s || message != null) {
            store.setStatus(experimentId, s, message);
            status = s;
            bus.publish(new EngineEvent.ExperimentStatusChanged(experimentId, s, message));
        }
    }

    public long experimentId() {
        return experimentId;
    }

    public String name() {
        return name;
    }

    public ExperimentStatus status() {
        return status;
    }

    /** What reached the pipeline's output (empty while running, or when its last stage was skipped). */
    public Optional<Object> output() {
        return output;
    }

    /** No stage starts until {@link #resume()}; sweeps that stages run pause their trials. */
    public void pause() {
        if (!status.finished() && status != ExperimentStatus.STOPPED) {
            run.pause();
            setStatus(ExperimentStatus.PAUSED, null);
        }
    }

    public void resume() {
        if (status == ExperimentStatus.PAUSED) {
            setStatus(ExperimentStatus.RUNNING, null);
            run.resume();
        }
    }

    public void stop() {
        if (!status.finished()) {
            setStatus(ExperimentStatus.STOPPING, null);
            run.stop();
        }
    }

    public boolean isPaused() {
        return run.isPaused();
    }

    /** For an engine that closes: pause first (so the sweeps below pause their trials), later {@link #detach}. */
    void prepareClose() {
        closing = true;
        run.pause();
    }

    void detach(Duration timeout) throws InterruptedException {
        run.abandon();
        await(timeout);
    }

    public ExperimentStatus await() throws InterruptedException {
        return Completion.await(done);
    }

    public Optional<ExperimentStatus> await(Duration timeout) throws InterruptedException {
        return Completion.await(done, timeout);
    }

    public CompletableFuture<ExperimentStatus> completion() {
        return done;
    }
}
