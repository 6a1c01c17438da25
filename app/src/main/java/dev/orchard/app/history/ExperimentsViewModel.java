package dev.orchard.app.history;

import dev.orchard.app.support.Async;
import dev.orchard.app.support.ListMirror;
import dev.orchard.app.support.Messages;
import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.experiment.Orchard;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.SimpleLongProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The experiments in the database, newest first, and the one selected. The list is read from the store off the UI
 * thread: at once when an experiment changes status, and at most every {@link #TRIAL_REFRESH} while trials finish.
 */
public final class ExperimentsViewModel {
    public static final Duration TRIAL_REFRESH = Duration.ofMillis(750);

    private final Orchard orchard;
    private final Async async;
    private final Messages messages;
    private final LongSupplier nanoTime;
    private final ObservableList<ExperimentItem> items = FXCollections.observableArrayList();
    private final ObservableList<ExperimentItem> itemsView = FXCollections.unmodifiableObservableList(items);
    private final LongProperty selectedId = new SimpleLongProperty(this, "selectedId", -1);
    private final ReadOnlyBooleanWrapper loaded = new ReadOnlyBooleanWrapper(this, "loaded");
    private boolean inFlight;
    private boolean again;
    private CompletableFuture<List<ExperimentItem>> current = CompletableFuture.completedFuture(List.of());
    private long lastRefresh = Long.MIN_VALUE / 2;

    public ExperimentsViewModel(Orchard orchard, Async async, Messages messages) {
        this(orchard, async, messages, System::nanoTime);
    }

    public ExperimentsViewModel(Orchard orchard, Async async, Messages messages, LongSupplier nanoTime) {
        this.orchard = orchard;
        this.async = async;
        this.messages = messages;
        this.nanoTime = nanoTime;
    }

    /** Reads the list again (coalesced: one read at a time, one more if asked meanwhile). */
    public CompletableFuture<List<ExperimentItem>> refresh() {
        if (inFlight) {
            again = true;
            return current;
        }
        inFlight = true;
        lastRefresh = nanoTime.getAsLong();
        current = async.run(() -> {
            orchard.flush();
            return orchard.experiments().stream().map(ExperimentItem::of).toList();
        }, list -> {
            ListMirror.update(items, list);
            loaded.set(true);
            done();
        }, e -> {
            messages.error("Cannot read the experiments: " + Messages.describe(e));
            done();
        });
        return current;
    }

    private void done() {
        inFlight = false;
        if (again) {
            again = false;
            refresh();
        }
    }

    /** Reacts to a batch of engine events (on the UI thread). */
    public void onEvents(List<? extends EngineEvent> batch) {
        boolean status = false;
        boolean trials = false;
        for (EngineEvent e : batch) {
            if (e instanceof EngineEvent.ExperimentStatusChanged) {
                status = true;
            } else if (e instanceof EngineEvent.TrialFinished || e instanceof EngineEvent.TrialStarted) {
                trials = true;
            }
        }
        if (status || (trials && nanoTime.getAsLong() - lastRefresh >= TRIAL_REFRESH.toNanos())) {
            refresh();
        }
    }

    public ObservableList<ExperimentItem> items() {
        return itemsView;
    }

    public Optional<ExperimentItem> item(long id) {
        return items.stream().filter(i -> i.id() == id).findFirst();
    }

    /** The selected experiment's id, -1 for none. */
    public LongProperty selectedIdProperty() {
        return selectedId;
    }

    /** True once the list was read (so "No experiments yet" means it). */
    public ReadOnlyBooleanProperty loadedProperty() {
        return loaded.getReadOnlyProperty();
    }
}
