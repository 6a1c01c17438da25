package dev.orchard.engine.execute;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** One daemon thread for the package's short timed checks (process watchdogs, timeouts); its tasks must not block. */
final class Timers {
    static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "orchard-process-watchdog");
        t.setDaemon(true);
        return t;
    });

    private Timers() {
    }

    static ScheduledFuture<?> after(Duration delay, Runnable task) {
        return SCHEDULER.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    static ScheduledFuture<?> every(Duration period, Runnable task) {
        return SCHEDULER.scheduleWithFixedDelay(task, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }
}
