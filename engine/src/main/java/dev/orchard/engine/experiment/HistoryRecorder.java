package dev.orchard.engine.experiment;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.store.DiskFullException;
import dev.orchard.engine.store.Store;
import dev.orchard.engine.store.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The store's subscription to the event bus: events are queued without blocking the publisher and written by one
 * thread in batches (one transaction each), so thousands of metric points a second cost a handful of commits. The
 * writer thread is never interrupted, which H2's file channels require.
 */
public final class HistoryRecorder implements Consumer<EngineEvent>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryRecorder.class);
    private static final int MAX_BATCH = 50_000;
    private static final int LINGER_BELOW = 2_000;
    private static final long LINGER_MS = 20;
    private static final EngineEvent POISON = new EngineEvent.ExperimentStatusChanged(-1, null, null);

    private final Store store;
    /** Engine events and {@link WriteBatch.SweepWrite}s, in the order they arrived. */
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicLong enqueued = new AtomicLong();
    private final Object progress = new Object();
    private long written;
    /** Callers waiting in {@link #flush()}: the writer skips its linger while any wait. */
    private int waiting;
    private volatile RuntimeException failure;
    private final Thread thread;

    public HistoryRecorder(Store store) {
        this.store = store;
        this.thread = new Thread(this::loop, "orchard-history-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    @Override
    public void accept(EngineEvent event) {
        enqueued.incrementAndGet();
        queue.add(event);
    }

    /**
     * Stores a sweep's trials and checkpoint together with everything published before them (their metrics), in one
     * transaction, and returns once it is in the database; rethrows a write failure.
     */
    public void record(WriteBatch.SweepWrite write) {
        append(write);
        flush();
    }

    /**
     * Queues a sweep's write behind everything published so far, without waiting (see {@link #record}); throws the
     * failure of an earlier write, so that a sweep whose history can no longer be stored (a full disk) stops.
     */
    public void append(WriteBatch.SweepWrite write) {
        if (failure != null) {
            throw failure;
        }
        enqueued.incrementAndGet();
        queue.add(write);
    }

    /** Waits until everything published so far is stored; rethrows a write failure. */
    public void flush() {
        catchUp();
        if (failure != null) {
            throw failure;
        }
    }

    /** Waits until everything published so far is stored or has failed to be (readers see what came before them). */
    public void catchUp() {
        long target = enqueued.get();
        synchronized (progress) {
            waiting++;
            progress.notifyAll();
            try {
                awaitWritten(target);
            } finally {
                waiting--;
            }
        }
    }

    private void awaitWritten(long target) {
        synchronized (progress) {
            while (written < target && failure == null && thread.isAlive()) {
                try {
                    progress.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void loop() {
        var drained = new ArrayList<Object>(1024);
        while (true) {
            try {
                Object first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                drained.add(first);
                synchronized (progress) {
                    if (queue.size() < LINGER_BELOW && waiting == 0) {
                        // A trickle of events: wait a moment so one transaction carries many (commits dominate
                        // otherwise), unless someone waits for them to be stored.
                        progress.wait(LINGER_MS);
                    }
                }
                queue.drainTo(drained, MAX_BATCH);
                boolean stop = drained.remove(POISON);
                if (failure instanceof DiskFullException) {
                    // H2 closed the database when the disk filled: later batches cannot be stored, and trying costs
                    // seconds each (the queue may hold millions of points by then)
                    LOG.debug("{} events not stored: {}", drained.size(), failure.getMessage());
                } else {
                    try {
                        store.write(batch(drained));
                    } catch (RuntimeException e) {
                        if (failure == null) {
                            LOG.error("history write failed; {} events not stored", drained.size(), e);
                            failure = e;
                        } else {
                            LOG.debug("history write failed again; {} events not stored: {}", drained.size(), e.getMessage());
                        }
                    }
                }
                synchronized (progress) {
                    written += drained.size() + (stop ? 1 : 0);
                    progress.notifyAll();
                }
                drained.clear();
                if (stop) {
                    return;
                }
            } catch (InterruptedException e) {
                // Never abandon queued writes: keep draining until the poison pill arrives.
                Thread.interrupted();
            }
        }
    }

    /**
     * The batch for a run of events and sweep writes: metric series, the event log, and the sweeps' trial snapshots and
     * checkpoints, which the store writes after the metrics of the same batch. Experiment statuses are not taken from
     * the events: the sweep stores those itself once its trials are stored.
     */
    static WriteBatch batch(List<?> events) {
        var metrics = new ArrayList<WriteBatch.Metrics>();
        var rewinds = new ArrayList<WriteBatch.Rewind>();
        var rows = new ArrayList<WriteBatch.Event>();
        var sweeps = new ArrayList<WriteBatch.SweepWrite>();
        var predictions = new ArrayList<dev.orchard.engine.store.StoredPrediction>();
        long now = System.currentTimeMillis();
        for (Object e : events) {
            if (e instanceof WriteBatch.SweepWrite w) {
                sweeps.add(w);
            } else if (e instanceof EngineEvent.ExperimentStatusChanged s) {
                rows.add(new WriteBatch.Event(s.experimentId(), -1, "status",
                        Json.write(Map.of("status", s.status().wire(), "message", s.message() == null ? "" : s.message())), now));
            } else if (e instanceof EngineEvent.TrialStarted t) {
                rows.add(new WriteBatch.Event(t.experimentId(), t.trial().number(), "trial_started", null, now));
            } else if (e instanceof EngineEvent.TrialFinished t) {
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("state", t.trial().state().wire());
                t.trial().error().ifPresent(err -> payload.put("error", err));
                rows.add(new WriteBatch.Event(t.experimentId(), t.trial().number(), "trial_finished", Json.write(payload), now));
            } else if (e instanceof EngineEvent.TrialPaused p) {
                rows.add(new WriteBatch.Event(p.experimentId(), p.trial().number(), "trial_paused",
                        Json.write(Map.of("reason", p.reason())), now));
            } else if (e instanceof EngineEvent.SchedulerDecision d) {
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("decision", d.decision());
                payload.put("step", d.step());
                payload.put("reason", d.reason());
                payload.putAll(d.details());
                rows.add(new WriteBatch.Event(d.experimentId(), d.trial(), "scheduler", Json.write(payload), now));
            } else if (e instanceof EngineEvent.TrialRewound r) {
                // points of this batch that the rewind supersedes are dropped here; stored ones are deleted first
                metrics.removeIf(m -> m.experimentId() == r.experimentId() && m.trial() == r.trial() && m.step() >= r.fromStep());
                rewinds.add(new WriteBatch.Rewind(r.experimentId(), r.trial(), r.fromStep()));
            } else if (e instanceof EngineEvent.StageEvent st && st.experimentId() >= 0) {
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("stage", st.stage());
                payload.put("iteration", st.iteration());
                payload.put("message", st.message());
                payload.putAll(st.details());
                rows.add(new WriteBatch.Event(st.experimentId(), -1, "stage_" + st.kind(), Json.write(payload), now));
            } else if (e instanceof EngineEvent.CurvePrediction p && p.experimentId() >= 0) {
                predictions.add(new dev.orchard.engine.store.StoredPrediction(p.experimentId(), p.trial(), p.observedStep(),
                        p.observedPoints(), p.metric(), p.model(), p.x(), p.mean(), p.lower(), p.upper(),
                        java.time.Instant.ofEpochMilli(now)));
            } else if (e instanceof EngineEvent.TrialMetrics m) {
                metrics.add(new WriteBatch.Metrics(m.experimentId(), m.trial(), m.step(), m.values(), m.wallTimeMillis()));
            }
        }
        return new WriteBatch(Map.of(), List.of(), rewinds, metrics, rows, sweeps, predictions);
    }

    /** Stores what is queued and stops the writer. */
    @Override
    public void close() {
        enqueued.incrementAndGet();
        queue.add(POISON);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
