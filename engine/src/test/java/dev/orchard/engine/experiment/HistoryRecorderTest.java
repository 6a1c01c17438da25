package dev.orchard.engine.experiment;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.events.EventBus;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.store.Store;
import dev.orchard.engine.store.StoreException;
import dev.orchard.engine.store.WriteBatch;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store's subscription to the bus: events become few, large transactions, and nothing queued is lost. */
class HistoryRecorderTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static Trial trial(long exp, int n) {
        return Trial.started(exp, n, Map.of("x", (double) n), T0);
    }

    @Test
    void batchHoldsTheSeriesAndTheEventLogButNoTrialRows() {
        // trial rows and statuses are the sweep's to write (at once, before it publishes); the recorder keeps the rest
        Trial t = trial(1, 0);
        Trial done = t.finish(TrialState.COMPLETED, OptionalDouble.of(2.5), 3, Optional.empty(), T0.plusSeconds(1));
        WriteBatch b = HistoryRecorder.batch(List.of(
                new EngineEvent.ExperimentStatusChanged(1, ExperimentStatus.RUNNING, null),
                new EngineEvent.TrialStarted(t),
                new EngineEvent.TrialMetrics(1, 0, 0, Map.of("loss", 1.0), 10),
                new EngineEvent.TrialMetrics(1, 0, 1, Map.of("loss", 0.5, "acc", 0.9), 11),
                new EngineEvent.SchedulerDecision(1, 0, 1, "stop", "below the rung's cut-off", Map.of("rung", 0)),
                new EngineEvent.TrialFinished(done),
                new EngineEvent.ExperimentStatusChanged(1, ExperimentStatus.COMPLETED, "ok")));
        assertThat(b.trials()).isEmpty();
        assertThat(b.statuses()).isEmpty();
        assertThat(b.metrics()).hasSize(2);
        assertThat(b.events()).extracting(WriteBatch.Event::kind)
                .containsExactly("status", "trial_started", "scheduler", "trial_finished", "status");
        assertThat(Json.readMap(b.events().get(2).payloadJson())).containsEntry("decision", "stop").containsEntry("rung", 0);
        assertThat(Json.readMap(b.events().get(3).payloadJson())).containsEntry("state", "completed");
        assertThat(HistoryRecorder.batch(List.of()).isEmpty()).isTrue();
    }

    @Test
    void aRewindDropsThePointsItSupersedesInTheBatchAndInTheStore(@TempDir Path dir) {
        WriteBatch b = HistoryRecorder.batch(List.of(
                new EngineEvent.TrialMetrics(1, 0, 4, Map.of("loss", 1.0), 10),
                new EngineEvent.TrialMetrics(1, 0, 5, Map.of("loss", 0.9), 11),
                new EngineEvent.TrialMetrics(1, 1, 5, Map.of("loss", 0.8), 11),
                new EngineEvent.TrialRewound(1, 0, 5),
                new EngineEvent.TrialMetrics(1, 0, 5, Map.of("loss", 0.7), 12)));
        assertThat(b.metrics()).extracting(m -> m.trial() + "@" + m.step() + "=" + m.values().get("loss"))
                .containsExactly("0@4=1.0", "1@5=0.8", "0@5=0.7");
        try (Store store = Store.open(dir.resolve("h"))) {
            long id = store.createExperiment(Optional.empty(), "rec", "sweep", Direction.MINIMIZE, "{}", Optional.empty(),
                    ExperimentStatus.CREATED);
            try (var recorder = new HistoryRecorder(store)) {
                for (int s = 0; s < 8; s++) {
                    recorder.accept(new EngineEvent.TrialMetrics(id, 0, s, Map.of("loss", (double) s), s));
                }
                recorder.flush();
                recorder.accept(new EngineEvent.TrialRewound(id, 0, 6));
                recorder.accept(new EngineEvent.TrialMetrics(id, 0, 6, Map.of("loss", 60.0), 100));
                recorder.flush();
                assertThat(store.metrics(id, 0)).extracting(m -> m.step() + "=" + m.value())
                        .containsExactly("0=0.0", "1=1.0", "2=2.0", "3=3.0", "4=4.0", "5=5.0", "6=60.0");
            }
        }
    }

    @Test
    void failedTrialErrorGoesIntoTheEventPayload() {
        Trial f = trial(1, 0).finish(TrialState.FAILED, OptionalDouble.empty(), -1, Optional.of("exit code 3"), T0);
        WriteBatch b = HistoryRecorder.batch(List.of(new EngineEvent.TrialFinished(f)));
        assertThat(Json.readMap(b.events().get(0).payloadJson())).containsEntry("state", "failed").containsEntry("error", "exit code 3");
    }

    @Test
    void recordsEverythingPublishedThroughTheBus(@TempDir Path dir) throws Exception {
        try (Store store = Store.open(dir.resolve("h"))) {
            long id = store.createExperiment(Optional.empty(), "rec", "sweep", Direction.MINIMIZE, "{}", Optional.empty(),
                    ExperimentStatus.CREATED);
            var bus = new EventBus();
            var recorder = new HistoryRecorder(store);
            try (AutoCloseable sub = bus.subscribe(recorder)) {
                bus.publish(new EngineEvent.ExperimentStatusChanged(id, ExperimentStatus.RUNNING, null));
                var threads = new ArrayList<Thread>();
                for (int w = 0; w < 4; w++) {
                    int base = w * 50;
                    Thread th = new Thread(() -> {
                        for (int n = base; n < base + 50; n++) {
                            Trial t = trial(id, n);
                            bus.publish(new EngineEvent.TrialStarted(t));
                            for (int s = 0; s < 20; s++) {
                                bus.publish(new EngineEvent.TrialMetrics(id, n, s, Map.of("loss", 1.0 / (s + 1)), s));
                            }
                            bus.publish(new EngineEvent.TrialFinished(t.finish(TrialState.COMPLETED, OptionalDouble.of(n),
                                    19, Optional.empty(), T0.plusSeconds(1))));
                        }
                    });
                    threads.add(th);
                    th.start();
                }
                for (Thread th : threads) {
                    th.join();
                }
                recorder.flush();
                assertThat(store.trials(id)).isEmpty(); // the sweep writes trial rows itself
                assertThat(store.metrics(id)).hasSize(200 * 20);
                bus.publish(new EngineEvent.ExperimentStatusChanged(id, ExperimentStatus.COMPLETED, "done"));
            }
            recorder.close(); // stores what is still queued
            assertThat(store.eventCount(id)).isEqualTo(2 + 200 * 2);
        }
    }

    @Test
    void aFailedWriteIsReportedByFlush(@TempDir Path dir) {
        try (Store store = Store.open(dir.resolve("h"))) {
            long id = store.createExperiment(Optional.empty(), "rec", "sweep", Direction.MINIMIZE, "{}", Optional.empty(),
                    ExperimentStatus.CREATED);
            var recorder = new HistoryRecorder(store);
            recorder.accept(new EngineEvent.TrialMetrics(id, 0, 0, Map.of("n".repeat(300), 1.0), 0));
            assertThatThrownBy(recorder::flush).isInstanceOf(StoreException.class).hasMessageContaining("cannot write");
            recorder.close();
        }
    }
}
