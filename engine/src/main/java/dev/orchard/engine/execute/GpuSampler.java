package dev.orchard.engine.execute;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.events.EventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Publishes {@link EngineEvent.GpuUsage} every {@code interval} on its own daemon thread: the first sample at once,
 * the next ones {@code interval} after the previous one ended (a slow {@code nvidia-smi} never piles up queries).
 * A machine without GPUs publishes nothing; a failing {@code nvidia-smi} is logged when it starts and stops failing,
 * not on every sample. {@link #close()} stops it and waits for a sample under way.
 */
public final class GpuSampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GpuSampler.class);

    private final GpuInventory inventory;
    private final EventBus bus;
    private final Duration interval;
    private final ScheduledExecutorService thread;
    private Optional<String> lastProblem = Optional.empty(); // only the sampling thread touches it
    private boolean started;

    public GpuSampler(GpuInventory inventory, EventBus bus, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("GPU sampling interval must be positive, got " + interval);
        }
        this.inventory = Objects.requireNonNull(inventory);
        this.bus = Objects.requireNonNull(bus);
        this.interval = interval;
        var pool = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "orchard-gpu-sampler");
            t.setDaemon(true);
            return t;
        });
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = pool;
    }

    /** Starts sampling; returns this, for try-with-resources. */
    public synchronized GpuSampler start() {
        if (started) {
            throw new IllegalStateException("the GPU sampler was already started");
        }
        started = true;
        thread.scheduleWithFixedDelay(this::sample, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
        return this;
    }

    private void sample() {
        try {
            GpuInventory.Detection d = inventory.query();
            if (Thread.currentThread().isInterrupted()) {
                return; // closing
            }
            if (!d.problem().equals(lastProblem)) {
                d.problem().ifPresentOrElse(p -> LOG.info("GPU sampling: {}", p),
                        () -> LOG.info("GPU sampling: nvidia-smi answers again"));
                lastProblem = d.problem();
            }
            if (!d.gpus().isEmpty()) {
                bus.publish(new EngineEvent.GpuUsage(d.gpus(), System.currentTimeMillis()));
            }
        } catch (RuntimeException e) {
            // an exception would cancel the schedule silently
            LOG.warn("GPU sampling failed", e);
        }
    }

    /** Stops sampling; once it returns, no further event is published. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("the GPU sampler did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
