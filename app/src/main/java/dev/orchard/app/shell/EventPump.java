package dev.orchard.app.shell;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.events.EventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The one way engine events reach the UI. Engine threads only enqueue (the bus delivers synchronously, so a subscriber
 * must not do more); when events are waiting, one drain is scheduled no sooner than a frame after the previous one,
 * and that drain hands the whole batch, in publication order, to every listener on the UI executor. So the FX thread
 * sees at most one {@code Platform.runLater} per frame (~30 a second) however fast the engine publishes, and none
 * while the engine is quiet.
 */
public final class EventPump implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventPump.class);
    public static final Duration DEFAULT_FRAME = Duration.ofMillis(33);

    private final Executor ui;
    private final long frameNanos;
    private final ConcurrentLinkedQueue<EngineEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final CopyOnWriteArrayList<Consumer<? super List<EngineEvent>>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;
    private final AutoCloseable subscription;
    private final AtomicLong drains = new AtomicLong();
    private volatile long lastDrain = System.nanoTime() - Long.MAX_VALUE / 4;
    private volatile boolean closed;

    /** Subscribes to {@code bus}; batches are delivered on {@code ui} at most once per {@code frame}. */
    public EventPump(EventBus bus, Executor ui, Duration frame) {
        this.ui = ui;
        this.frameNanos = frame.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "orchard-ui-event-pump");
            t.setDaemon(true);
            return t;
        });
        this.subscription = bus.subscribe(this::offer);
    }

    /** Adds a receiver of event batches; it runs on the UI executor. */
    public void addListener(Consumer<? super List<EngineEvent>> listener) {
        listeners.add(listener);
    }

    /** How many batches were delivered so far. */
    public long drains() {
        return drains.get();
    }

    private void offer(EngineEvent event) {
        if (closed) {
            return;
        }
        queue.add(event);
        if (scheduled.compareAndSet(false, true)) {
            long wait = Math.max(0, lastDrain + frameNanos - System.nanoTime());
            try {
                timer.schedule(() -> ui.execute(this::drain), wait, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                scheduled.set(false); // closed meanwhile
            }
        }
    }

    /** Runs on the UI executor: takes everything queued and delivers it as one batch. */
    private void drain() {
        lastDrain = System.nanoTime();
        scheduled.set(false); // events offered from now on schedule the next frame
        List<EngineEvent> batch = new ArrayList<>();
        for (EngineEvent e; (e = queue.poll()) != null; ) {
            batch.add(e);
        }
        if (batch.isEmpty() || closed) {
            return;
        }
        drains.incrementAndGet();
        List<EngineEvent> view = List.copyOf(batch);
        for (Consumer<? super List<EngineEvent>> l : listeners) {
            try {
                l.accept(view);
            } catch (RuntimeException e) {
                LOG.warn("event listener {} failed", l, e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            subscription.close();
        } catch (Exception ignored) {
            // unsubscribing cannot fail
        }
        timer.shutdownNow();
        queue.clear();
    }
}
