package dev.orchard.app.shell;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.events.EventBus;
import dev.orchard.engine.trial.ExperimentStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class EventPumpTest {

    /** A stand-in for the FX thread: one thread that runs what it is given, counting the hand-overs. */
    private static final class UiThread implements java.util.concurrent.Executor {
        final ExecutorService thread = Executors.newSingleThreadExecutor();
        final AtomicInteger handOvers = new AtomicInteger();

        @Override
        public void execute(Runnable r) {
            handOvers.incrementAndGet();
            thread.execute(r);
        }
    }

    @Test
    void coalescesAFloodIntoFewBatchesInOrder() throws Exception {
        EventBus bus = new EventBus();
        UiThread ui = new UiThread();
        Duration frame = Duration.ofMillis(33);
        try (EventPump pump = new EventPump(bus, ui, frame)) {
            List<EngineEvent> received = new ArrayList<>(); // only touched on the ui thread
            List<Integer> batchSizes = new ArrayList<>();
            pump.addListener(batch -> {
                received.addAll(batch);
                batchSizes.add(batch.size());
            });
            int publishers = 4;
            int perPublisher = 5_000;
            long t0 = System.nanoTime();
            CountDownLatch done = new CountDownLatch(publishers);
            for (int p = 0; p < publishers; p++) {
                long id = p;
                Thread t = new Thread(() -> {
                    for (int i = 0; i < perPublisher; i++) {
                        bus.publish(new EngineEvent.TrialMetrics(id, i, i, java.util.Map.of("v", (double) i), 0));
                        if (i % 500 == 0) {
                            sleep(10);
                        }
                    }
                    done.countDown();
                });
                t.start();
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ui.thread.submit(received::size).get() < publishers * perPublisher && System.nanoTime() < deadline) {
                sleep(20);
            }
            double elapsedFrames = (System.nanoTime() - t0) / (double) frame.toNanos();
            List<EngineEvent> all = ui.thread.submit(() -> List.copyOf(received)).get();
            assertThat(all).hasSize(publishers * perPublisher);
            // per publisher, in publication order
            for (long p = 0; p < publishers; p++) {
                long id = p;
                List<Integer> trials = all.stream().filter(e -> e.experimentId() == id)
                        .map(e -> ((EngineEvent.TrialMetrics) e).trial()).toList();
                assertThat(trials).isSorted().hasSize(perPublisher);
            }
            // at most one hand-over to the UI thread per frame (plus one for the very first event)
            assertThat(ui.handOvers.get()).isLessThanOrEqualTo((int) Math.ceil(elapsedFrames) + 1);
            assertThat(pump.drains()).isLessThan(publishers * perPublisher / 10);
        } finally {
            ui.thread.shutdownNow();
        }
    }

    @Test
    void quietEngineMeansNoUiWork() throws Exception {
        EventBus bus = new EventBus();
        UiThread ui = new UiThread();
        try (EventPump pump = new EventPump(bus, ui, Duration.ofMillis(10))) {
            List<EngineEvent> got = new java.util.concurrent.CopyOnWriteArrayList<>();
            pump.addListener(got::addAll);
            bus.publish(new EngineEvent.ExperimentStatusChanged(1, ExperimentStatus.RUNNING, null));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (got.isEmpty() && System.nanoTime() < deadline) {
                sleep(5);
            }
            assertThat(got).hasSize(1);
            int handOvers = ui.handOvers.get();
            sleep(200);
            assertThat(ui.handOvers.get()).isEqualTo(handOvers).isEqualTo(1);
            pump.close();
            bus.publish(new EngineEvent.ExperimentStatusChanged(1, ExperimentStatus.COMPLETED, null));
            sleep(50);
            assertThat(got).hasSize(1);
        } finally {
            ui.thread.shutdownNow();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
