package dev.orchard.engine.events;

import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.Trial;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's event bus: synchronous, in order, robust to failing subscribers. */
class EventBusTest {

    @Test
    void deliversInOrderToEverySubscriberUntilUnsubscribed() throws Exception {
        var bus = new EventBus();
        var a = new ArrayList<EngineEvent>();
        var b = new ArrayList<EngineEvent>();
        AutoCloseable subA = bus.subscribe(a::add);
        bus.subscribe(b::add);
        Trial t = Trial.started(4, 0, Map.of("x", 1.0), Instant.EPOCH);
        var e1 = new EngineEvent.ExperimentStatusChanged(4, ExperimentStatus.RUNNING, null);
        var e2 = new EngineEvent.TrialStarted(t);
        var e3 = new EngineEvent.TrialMetrics(4, 0, 1, Map.of("loss", 0.5), 10);
        bus.publish(e1);
        bus.publish(e2);
        subA.close();
        bus.publish(e3);
        assertThat(a).containsExactly(e1, e2);
        assertThat(b).containsExactly(e1, e2, e3);
        assertThat(List.of(e1, e2, e3)).extracting(EngineEvent::experimentId).containsOnly(4L);
    }

    @Test
    void aThrowingSubscriberDoesNotStopDeliveryToOthers() {
        var bus = new EventBus();
        var got = new CopyOnWriteArrayList<EngineEvent>();
        bus.subscribe(e -> {
            throw new IllegalStateException("bad subscriber");
        });
        bus.subscribe(got::add);
        var e = new EngineEvent.ExperimentStatusChanged(1, ExperimentStatus.RUNNING, null);
        bus.publish(e);
        bus.publish(e);
        assertThat(got).hasSize(2);
    }

    @Test
    void aSubscriberMayUnsubscribeWhileEventsAreDelivered() throws Exception {
        var bus = new EventBus();
        var got = new ArrayList<EngineEvent>();
        AutoCloseable[] self = new AutoCloseable[1];
        self[0] = bus.subscribe(e -> {
            got.add(e);
            try {
                self[0].close();
            } catch (Exception x) {
                throw new IllegalStateException(x);
            }
        });
        var e = new EngineEvent.ExperimentStatusChanged(1, ExperimentStatus.PAUSED, "p");
        bus.publish(e);
        bus.publish(e);
        assertThat(got).containsExactly(e);
    }
}
