package dev.orchard.engine.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The engine's one event bus. Delivery is synchronous on the publishing thread, so subscribers must only hand events
 * on (the store's writer queues them, the workbench's pump coalesces them); a subscriber that throws is logged and
 * does not stop delivery to the others.
 */
public final class EventBus {
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);
    private final CopyOnWriteArrayList<Consumer<? super EngineEvent>> subscribers = new CopyOnWriteArrayList<>();

    /** Subscribes; closing the returned handle unsubscribes. */
    public AutoCloseable subscribe(Consumer<? super EngineEvent> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    public void publish(EngineEvent event) {
        for (Consumer<? super EngineEvent> s : subscribers) {
            try {
                s.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("event subscriber {} failed on {}", s, event.getClass().getSimpleName(), e);
            }
        }
    }
}
