package dev.orchard.app.history;

import dev.orchard.app.support.Async;
import dev.orchard.app.support.ListMirror;
import dev.orchard.app.support.Messages;
import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.SimpleLongProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
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
    private final java.util.Map<Long, Tally> live = new java.util.HashMap<>();
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
            ListMirror.update(items, list.stream().map(this::merge).toList());
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

    /**
     * Reacts to a batch of engine events (on the UI thread). Rows of experiments running here follow the events at
     * once: a tally per experiment (status, trial count, best value) is kept from the events and merged into every
     * store read, so a read that was taken before the latest events cannot show older numbers. The list is re-read
     * when an experiment changes status, and at most every {@link #TRIAL_REFRESH} while trials start and finish.
     */
    public void onEvents(List<? extends EngineEvent> batch) {
        boolean status = false;
        boolean trials = false;
        java.util.Set<Long> touched = new java.util.HashSet<>();
        for (EngineEvent e : batch) {
            long id = e.experimentId();
            Tally t = live.getOrDefault(id, Tally.EMPTY);
            if (e instanceof EngineEvent.ExperimentStatusChanged s) {
                status = true;
                live.put(id, t.with(s.status()));
            } else if (e instanceof EngineEvent.TrialStarted s) {
                trials = true;
                live.put(id, t.with(s.trial(), direction(id)));
            } else if (e instanceof EngineEvent.TrialFinished f) {
                trials = true;
                live.put(id, t.with(f.trial(), direction(id)));
            } else {
                continue;
            }
            touched.add(id);
        }
        for (int k = 0; k < items.size(); k++) {
            ExperimentItem i = items.get(k);
            if (touched.contains(i.id())) {
                ExperimentItem merged = merge(i);
                if (!merged.equals(i)) {
                    items.set(k, merged);
                }
            }
        }
        if (status || (trials && nanoTime.getAsLong() - lastRefresh >= TRIAL_REFRESH.toNanos())) {
            refresh();
        }
    }

    /** What this workbench saw of an experiment through events. */
    private record Tally(Optional<ExperimentStatus> status, int trials, OptionalDouble best) {
        static final Tally EMPTY = new Tally(Optional.empty(), 0, OptionalDouble.empty());

        Tally with(ExperimentStatus s) {
            return new Tally(Optional.of(s), trials, best);
        }

        Tally with(Trial t, Direction d) {
            OptionalDouble b = best;
            if (t.state() == TrialState.COMPLETED && t.value().isPresent()
                    && (b.isEmpty() || d.better(t.value().getAsDouble(), b.getAsDouble()))) {
                b = t.value();
            }
            return new Tally(status, Math.max(trials, t.number() + 1), b);
        }
    }

    private Direction direction(long id) {
        return item(id).map(ExperimentItem::direction).orElse(Direction.MINIMIZE);
    }

    /** The stored row with what events told since: the latest status, the larger count, the better best. */
    private ExperimentItem merge(ExperimentItem i) {
        Tally t = live.get(i.id());
        if (t == null) {
            return i;
        }
        OptionalDouble best = i.best();
        if (t.best().isPresent() && (best.isEmpty() || i.direction().better(t.best().getAsDouble(), best.getAsDouble()))) {
            best = t.best();
        }
        return new ExperimentItem(i.id(), i.name(), t.status().orElse(i.status()), Math.max(i.trials(), t.trials()),
                i.completed(), i.failed(), best, i.direction(), i.createdAt(), i.kind());
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
