package dev.orchard.app.sweep;

import dev.orchard.app.support.Async;
import dev.orchard.app.support.Format;
import dev.orchard.app.support.ListMirror;
import dev.orchard.app.support.Messages;
import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.experiment.ExperimentSpec;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.experiment.Sweep;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.space.Param;
import dev.orchard.engine.store.ExperimentRecord;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The run view's state: the spec loaded and ready to run, the sweep started from it (its status decides which of
 * Start / Pause / Resume / Stop are enabled), and the experiment on display (live, or read from the store): its trial
 * rows, chart points, progress and best value.
 * <p>
 * Threading: every method and every event batch is applied on the UI thread; engine work (starting a sweep, reading
 * the store, exporting) runs through {@link Async} on the background executor. Live updates come as event batches
 * from the pump through {@link #onEvents(List)}; tests may call it directly.
 */
public final class RunViewModel {
    private final Orchard orchard;
    private final Async async;
    private final Messages messages;

    // the spec ready to run
    private final ReadOnlyObjectWrapper<LoadedSpec> loaded = new ReadOnlyObjectWrapper<>(this, "loaded");
    private final StringBinding specName;
    private final StringBinding specSummary;

    // the sweep this view started (the latest one)
    private Sweep sweep;
    private final ReadOnlyLongWrapper activeId = new ReadOnlyLongWrapper(this, "activeId", -1);
    private final ReadOnlyObjectWrapper<ExperimentStatus> activeStatus = new ReadOnlyObjectWrapper<>(this, "activeStatus");
    private final ReadOnlyBooleanWrapper starting = new ReadOnlyBooleanWrapper(this, "starting");
    /** Events of experiments not known yet, kept while a start is under way (its first events may come first). */
    private final Map<Long, List<EngineEvent>> unclaimed = new HashMap<>();

    // the experiment on display
    private final ReadOnlyLongWrapper displayedId = new ReadOnlyLongWrapper(this, "displayedId", -1);
    private final ReadOnlyStringWrapper displayedName = new ReadOnlyStringWrapper(this, "displayedName", "");
    private final ReadOnlyObjectWrapper<ExperimentStatus> displayedStatus = new ReadOnlyObjectWrapper<>(this, "displayedStatus");
    private final ReadOnlyStringWrapper displayedMessage = new ReadOnlyStringWrapper(this, "displayedMessage", "");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading");
    private final ObservableList<TrialRow> rows = FXCollections.observableArrayList();
    private final ObservableList<String> parameterNames = FXCollections.observableArrayList();
    private final ObservableList<ChartPoint> valuePoints = FXCollections.observableArrayList();
    private final ObservableList<ChartPoint> bestPoints = FXCollections.observableArrayList();
    // read-only views, made once: listeners added to them must live as long as the view-model
    private final ObservableList<TrialRow> rowsView = FXCollections.unmodifiableObservableList(rows);
    private final ObservableList<String> parameterNamesView = FXCollections.unmodifiableObservableList(parameterNames);
    private final ObservableList<ChartPoint> valuePointsView = FXCollections.unmodifiableObservableList(valuePoints);
    private final ObservableList<ChartPoint> bestPointsView = FXCollections.unmodifiableObservableList(bestPoints);
    private final ReadOnlyIntegerWrapper finished = new ReadOnlyIntegerWrapper(this, "finished");
    private final ReadOnlyIntegerWrapper budget = new ReadOnlyIntegerWrapper(this, "budget");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress");
    private final ReadOnlyStringWrapper bestText = new ReadOnlyStringWrapper(this, "bestText", "");
    private final ReadOnlyBooleanWrapper exporting = new ReadOnlyBooleanWrapper(this, "exporting");
    private final StringBinding statusText;
    private final StringBinding progressText;
    private Direction direction = Direction.MINIMIZE;
    private final TreeMap<Integer, Double> completedValues = new TreeMap<>();
    private int bestNumber = -1;
    private final List<EngineEvent> pendingForDisplayed = new ArrayList<>();
    private long loadGeneration;

    private final BooleanBinding canStart;
    private final BooleanBinding canPause;
    private final BooleanBinding canResume;
    private final BooleanBinding canStop;
    private final BooleanBinding canExport;
    private final BooleanBinding live;

    public RunViewModel(Orchard orchard, Async async, Messages messages) {
        this.orchard = orchard;
        this.async = async;
        this.messages = messages;
        specName = Bindings.createStringBinding(() -> loaded.get() == null ? "No spec loaded" : loaded.get().spec().name(), loaded);
        specSummary = Bindings.createStringBinding(() -> loaded.get() == null
                ? "File ▸ Open spec… (Ctrl+O) loads an experiment spec" : summary(loaded.get()), loaded);
        canStart = Bindings.createBooleanBinding(() -> loaded.get() != null && !starting.get()
                && (activeStatus.get() == null || activeStatus.get().finished()), loaded, starting, activeStatus);
        canPause = Bindings.createBooleanBinding(() -> !starting.get()
                && (activeStatus.get() == ExperimentStatus.CREATED || activeStatus.get() == ExperimentStatus.RUNNING), starting, activeStatus);
        canResume = Bindings.createBooleanBinding(() -> !starting.get()
                && (activeStatus.get() == ExperimentStatus.PAUSING || activeStatus.get() == ExperimentStatus.PAUSED
                || resumableOnDisplay()), starting, activeStatus, displayedId, displayedStatus, loading);
        canStop = Bindings.createBooleanBinding(() -> {
            ExperimentStatus s = activeStatus.get();
            return !starting.get() && s != null && (s == ExperimentStatus.CREATED || s == ExperimentStatus.RUNNING
                    || s == ExperimentStatus.PAUSING || s == ExperimentStatus.PAUSED);
        }, starting, activeStatus);
        canExport = Bindings.createBooleanBinding(() -> displayedId.get() >= 0 && !loading.get() && !exporting.get(),
                displayedId, loading, exporting);
        live = Bindings.createBooleanBinding(() -> displayedId.get() >= 0 && displayedId.get() == activeId.get()
                && activeStatus.get() != null && !activeStatus.get().finished(), displayedId, activeId, activeStatus);
        statusText = Bindings.createStringBinding(this::computeStatusText, displayedId, displayedStatus, loading,
                displayedMessage, loaded, starting);
        progressText = Bindings.createStringBinding(() -> displayedId.get() < 0 ? ""
                : finished.get() + " / " + Format.count(budget.get(), "trial"), displayedId, finished, budget);
    }

    // ---------------------------------------------------------------- commands

    /** Makes {@code spec} the one Start runs. */
    public void load(LoadedSpec spec) {
        loaded.set(spec);
        if (displayedId.get() < 0 && !starting.get()) {
            // nothing on display yet: show the columns and the range of what Start will run
            parameterNames.setAll(spec.spec().space().params().stream().map(Param::name).toList());
            budget.set(spec.spec().budget());
            direction = spec.spec().direction();
        }
    }

    /** Starts a sweep of the loaded spec; the new experiment goes on display. */
    public CompletableFuture<Long> start() {
        if (!canStart.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("nothing to start"));
        }
        LoadedSpec l = loaded.get();
        starting.set(true);
        unclaimed.clear();
        return async.run(() -> orchard.start(l.spec(), l.baseDir()), s -> claim(s, l.spec()), e -> {
            starting.set(false);
            unclaimed.clear();
            messages.error("Cannot start " + l.spec().name() + ": " + Messages.describe(e));
        }).thenApply(Sweep::experimentId);
    }

    /** Running trials finish, no new one starts. */
    public void pause() {
        if (canPause.get()) {
            sweep.pause();
        }
    }

    /**
     * Continues the paused sweep; or, when nothing runs and the experiment on display was left paused or interrupted
     * (its engine closed or died), resumes it from the store: its trials continue from their checkpoints.
     */
    public void resume() {
        if (!canResume.get()) {
            return;
        }
        if (activeStatus.get() == ExperimentStatus.PAUSING || activeStatus.get() == ExperimentStatus.PAUSED) {
            sweep.resume();
            return;
        }
        long id = displayedId.get();
        starting.set(true);
        async.run(() -> orchard.resume(id), s -> {
            sweep = s;
            activeId.set(id);
            activeStatus.set(s.status());
            starting.set(false);
            // the stored trials again, with the resumed sweep's events applied after them
            ++loadGeneration;
            displayedId.set(-1);
            show(id);
            messages.info("Resumed experiment #" + id + " (" + s.name() + ")");
        }, e -> {
            starting.set(false);
            messages.error("Cannot resume experiment #" + id + ": " + Messages.describe(e));
        });
    }

    /** True when {@code row} is a trial of the sweep running now that can be paused (it runs). */
    public boolean canPauseTrial(TrialRow row) {
        return controlsDisplayed() && row.state() == TrialState.RUNNING;
    }

    /** True when {@code row} is a paused trial of the sweep running now. */
    public boolean canResumeTrial(TrialRow row) {
        return controlsDisplayed() && row.state() == TrialState.PAUSED;
    }

    /** True when {@code row} is a trial of the sweep running now that has not ended. */
    public boolean canStopTrial(TrialRow row) {
        return controlsDisplayed() && !row.state().finished();
    }

    /** Asks one running trial to checkpoint and exit; the others go on. */
    public void pauseTrial(TrialRow row) {
        if (canPauseTrial(row)) {
            sweep.pauseTrial(row.number());
        }
    }

    /** Restarts a paused trial from its checkpoint. */
    public void resumeTrial(TrialRow row) {
        if (canResumeTrial(row)) {
            sweep.resumeTrial(row.number());
        }
    }

    /** Ends one trial for good; the sweep goes on. */
    public void stopTrial(TrialRow row) {
        if (canStopTrial(row)) {
            sweep.stopTrial(row.number());
        }
    }

    private boolean controlsDisplayed() {
        ExperimentStatus s = activeStatus.get();
        return sweep != null && displayedId.get() == activeId.get() && s != null && !s.finished()
                && s != ExperimentStatus.STOPPING;
    }

    /** A stored sweep on display that an engine left paused or interrupted, while this view runs nothing. */
    private boolean resumableOnDisplay() {
        ExperimentStatus active = activeStatus.get();
        ExperimentStatus shown = displayedStatus.get();
        return (active == null || active.finished()) && displayedId.get() >= 0 && !loading.get()
                && displayedId.get() != activeId.get()
                && (shown == ExperimentStatus.PAUSED || shown == ExperimentStatus.INTERRUPTED);
    }

    /** Ends the sweep: running trials are asked to stop. */
    public void stop() {
        if (canStop.get()) {
            sweep.stop();
        }
    }

    /** Shows a stored experiment (read off the UI thread); live events continue it if it is the running one. */
    public CompletableFuture<Void> show(long experimentId) {
        if (experimentId < 0 || (experimentId == displayedId.get() && !loading.get())) {
            return CompletableFuture.completedFuture(null);
        }
        long generation = ++loadGeneration;
        displayedId.set(experimentId);
        clearDisplay();
        pendingForDisplayed.clear();
        loading.set(true);
        return async.run(() -> Snapshot.read(orchard, experimentId), snap -> {
            if (generation == loadGeneration) {
                applySnapshot(snap);
            }
        }, e -> {
            if (generation == loadGeneration) {
                loading.set(false);
                displayedMessage.set(Messages.describe(e));
                messages.error("Cannot read experiment #" + experimentId + ": " + Messages.describe(e));
            }
        }).thenApply(s -> null);
    }

    /** Writes the experiment on display as export JSON to {@code file} (in the background). */
    public CompletableFuture<Path> export(Path file) {
        long id = displayedId.get();
        if (id < 0) {
            return CompletableFuture.failedFuture(new IllegalStateException("no experiment on display"));
        }
        exporting.set(true);
        return async.run(() -> {
            orchard.exportTo(id, file);
            return file;
        }, p -> {
            exporting.set(false);
            messages.info("Exported experiment #" + id + " to " + p);
        }, e -> {
            exporting.set(false);
            messages.error("Export of experiment #" + id + " failed: " + Messages.describe(e));
        });
    }

    /** A file name for exporting the experiment on display. */
    public String suggestedExportName() {
        String name = displayedName.get().isBlank() ? "experiment" : displayedName.get();
        return name.replaceAll("[^A-Za-z0-9._-]+", "_") + "-" + displayedId.get() + ".json";
    }

    // ---------------------------------------------------------------- events

    /** Applies a batch of engine events (in publication order). Called by the pump on the UI thread. */
    public void onEvents(List<? extends EngineEvent> batch) {
        boolean changed = false;
        for (EngineEvent e : batch) {
            long id = e.experimentId();
            if (id == activeId.get() && e instanceof EngineEvent.ExperimentStatusChanged s) {
                activeStatus.set(s.status());
            }
            if (id == displayedId.get() && id >= 0) {
                if (loading.get()) {
                    pendingForDisplayed.add(e);
                } else {
                    changed |= apply(e);
                }
            } else if (starting.get() && id != activeId.get()) {
                unclaimed.computeIfAbsent(id, k -> new ArrayList<>()).add(e);
            }
        }
        if (changed) {
            updateDerived();
        }
    }

    private void claim(Sweep s, ExperimentSpec spec) {
        sweep = s;
        long id = s.experimentId();
        ++loadGeneration; // a store read still under way must not replace the new experiment
        activeId.set(id);
        activeStatus.set(ExperimentStatus.CREATED);
        loading.set(false);
        pendingForDisplayed.clear();
        displayedId.set(id);
        clearDisplay();
        displayedName.set(s.name());
        displayedStatus.set(ExperimentStatus.CREATED);
        direction = s.direction();
        budget.set(s.budget());
        parameterNames.setAll(spec.space().params().stream().map(Param::name).toList());
        List<EngineEvent> early = unclaimed.getOrDefault(id, List.of());
        unclaimed.clear();
        starting.set(false);
        for (EngineEvent e : early) {
            if (e instanceof EngineEvent.ExperimentStatusChanged st) {
                activeStatus.set(st.status());
            }
            apply(e);
        }
        updateDerived();
        messages.info("Started experiment #" + id + " (" + s.name() + ")");
    }

    private void applySnapshot(Snapshot snap) {
        ExperimentRecord r = snap.record();
        displayedName.set(r.name());
        displayedStatus.set(r.id() == activeId.get() && activeStatus.get() != null ? activeStatus.get() : r.status());
        displayedMessage.set(r.message().orElse(""));
        direction = r.direction();
        budget.set(snap.budget());
        parameterNames.setAll(snap.parameters());
        for (Trial t : snap.trials()) {
            upsert(t);
        }
        loading.set(false);
        List<EngineEvent> pending = List.copyOf(pendingForDisplayed);
        pendingForDisplayed.clear();
        pending.forEach(this::apply);
        updateDerived();
    }

    private boolean apply(EngineEvent e) {
        if (e instanceof EngineEvent.ExperimentStatusChanged s) {
            displayedStatus.set(s.status());
            displayedMessage.set(s.message() == null ? "" : s.message());
            if (s.status() == ExperimentStatus.FAILED) {
                messages.error("Experiment #" + s.experimentId() + " failed: " + (s.message() == null ? "" : s.message()));
            }
            return true;
        } else if (e instanceof EngineEvent.TrialStarted t) {
            return upsert(t.trial());
        } else if (e instanceof EngineEvent.TrialFinished t) {
            return upsert(t.trial());
        } else if (e instanceof EngineEvent.TrialPaused p) {
            return upsert(p.trial());
        }
        return false;
    }

    /** Inserts or replaces a trial's row (rows stay sorted by number); a finished row never changes again. */
    private boolean upsert(Trial t) {
        int i = indexOf(t.number());
        TrialRow row = TrialRow.of(t);
        if (i >= 0) {
            if (rows.get(i).state().finished()) {
                return false;
            }
            rows.set(i, row);
        } else {
            rows.add(-(i + 1), row);
        }
        if (parameterNames.isEmpty() && !t.params().isEmpty()) {
            parameterNames.setAll(new TreeSet<>(t.params().keySet()));
        }
        if (t.state().finished()) {
            finished.set(finished.get() + 1);
            if (t.state() == TrialState.COMPLETED && t.value().isPresent() && Double.isFinite(t.value().getAsDouble())) {
                double v = t.value().getAsDouble();
                valuePoints.add(new ChartPoint(t.number(), v));
                completedValues.put(t.number(), v);
                if (bestNumber < 0 || direction.better(v, completedValues.get(bestNumber))
                        || (v == completedValues.get(bestNumber) && t.number() < bestNumber)) {
                    bestNumber = t.number();
                }
            }
        }
        return true;
    }

    private int indexOf(int number) {
        int lo = 0;
        int hi = rows.size() - 1;
        if (hi >= 0 && rows.get(hi).number() < number) {
            return -(rows.size() + 1); // the usual case: a new trial at the end
        }
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int n = rows.get(mid).number();
            if (n < number) {
                lo = mid + 1;
            } else if (n > number) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    private void clearDisplay() {
        rows.clear();
        valuePoints.clear();
        bestPoints.clear();
        completedValues.clear();
        bestNumber = -1;
        finished.set(0);
        budget.set(0);
        displayedName.set("");
        displayedStatus.set(null);
        displayedMessage.set("");
        parameterNames.clear();
        updateDerived();
    }

    private void updateDerived() {
        int b = budget.get();
        progress.set(b <= 0 ? 0 : Math.min(1.0, finished.get() / (double) b));
        if (bestNumber >= 0) {
            bestText.set("Best " + Format.value(completedValues.get(bestNumber)) + "  (trial #" + bestNumber + ")");
        } else {
            bestText.set(displayedId.get() < 0 ? "" : "Best —");
        }
        ListMirror.update(bestPoints, bestSoFar(completedValues, direction));
    }

    /** The best-so-far line by trial number, drawn as steps (each improvement is a vertical segment). */
    static List<ChartPoint> bestSoFar(TreeMap<Integer, Double> values, Direction direction) {
        List<ChartPoint> pts = new ArrayList<>();
        double best = Double.NaN;
        int last = -1;
        for (var e : values.entrySet()) {
            double v = e.getValue();
            if (pts.isEmpty()) {
                pts.add(new ChartPoint(e.getKey(), v));
                best = v;
            } else if (direction.better(v, best)) {
                pts.add(new ChartPoint(e.getKey(), best));
                pts.add(new ChartPoint(e.getKey(), v));
                best = v;
            }
            last = e.getKey();
        }
        if (!pts.isEmpty() && pts.get(pts.size() - 1).x() < last) {
            pts.add(new ChartPoint(last, best));
        }
        return pts;
    }

    private String computeStatusText() {
        if (starting.get()) {
            return "Starting…";
        }
        if (displayedId.get() < 0) {
            return loaded.get() == null ? "No spec loaded" : "Ready";
        }
        if (loading.get()) {
            return "Loading…";
        }
        ExperimentStatus s = displayedStatus.get();
        if (s == null) {
            return "";
        }
        String text = switch (s) {
            case CREATED -> "Starting";
            case RUNNING -> "Running";
            case PAUSING -> "Pausing — running trials checkpoint and exit";
            case PAUSED -> "Paused";
            case STOPPING -> "Stopping";
            case COMPLETED -> "Completed";
            case STOPPED -> "Stopped";
            case FAILED -> "Failed";
            case INTERRUPTED -> "Interrupted";
        };
        String msg = displayedMessage.get();
        return (s == ExperimentStatus.FAILED || s == ExperimentStatus.INTERRUPTED) && !msg.isBlank() ? text + ": " + msg : text;
    }

    static String summary(LoadedSpec l) {
        ExperimentSpec s = l.spec();
        String sched = s.scheduler().type() + (s.scheduler().batchSize() > 1 ? " ×" + s.scheduler().batchSize() : "");
        return s.optimizer().name() + " · " + sched + " · " + Format.count(s.budget(), "trial") + " · "
                + s.direction().wire() + " · " + Format.count(s.space().params().size(), "parameter");
    }

    /** What the store holds for one experiment, read off the UI thread. */
    record Snapshot(ExperimentRecord record, List<Trial> trials, List<String> parameters, int budget) {
        static Snapshot read(Orchard orchard, long id) {
            orchard.flush();
            ExperimentRecord r = orchard.experiment(id).orElseThrow(() -> new IllegalArgumentException("no experiment #" + id));
            List<Trial> trials = orchard.trials(id);
            List<String> params;
            int budget;
            try {
                ExperimentSpec spec = Specs.parse(r.specJson(), "experiment #" + id);
                params = spec.space().params().stream().map(Param::name).toList();
                budget = spec.budget();
            } catch (RuntimeException e) {
                // not a sweep spec we can read: show what the trials say
                TreeSet<String> names = new TreeSet<>();
                trials.forEach(t -> names.addAll(t.params().keySet()));
                params = List.copyOf(names);
                budget = trials.size();
            }
            return new Snapshot(r, trials, params, budget);
        }
    }

    // ---------------------------------------------------------------- properties

    public ReadOnlyObjectProperty<LoadedSpec> loadedProperty() {
        return loaded.getReadOnlyProperty();
    }

    public Optional<LoadedSpec> loaded() {
        return Optional.ofNullable(loaded.get());
    }

    public StringBinding specNameProperty() {
        return specName;
    }

    public StringBinding specSummaryProperty() {
        return specSummary;
    }

    public ReadOnlyLongProperty activeIdProperty() {
        return activeId.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ExperimentStatus> activeStatusProperty() {
        return activeStatus.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty startingProperty() {
        return starting.getReadOnlyProperty();
    }

    public ReadOnlyLongProperty displayedIdProperty() {
        return displayedId.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty displayedNameProperty() {
        return displayedName.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ExperimentStatus> displayedStatusProperty() {
        return displayedStatus.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    /** Trial rows of the experiment on display, sorted by trial number. */
    public ObservableList<TrialRow> rows() {
        return rowsView;
    }

    public ObservableList<String> parameterNames() {
        return parameterNamesView;
    }

    /** One point per completed trial: (number, value). */
    public ObservableList<ChartPoint> valuePoints() {
        return valuePointsView;
    }

    /** The best value so far as a step line over trial numbers. */
    public ObservableList<ChartPoint> bestPoints() {
        return bestPointsView;
    }

    public ReadOnlyIntegerProperty finishedProperty() {
        return finished.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty budgetProperty() {
        return budget.getReadOnlyProperty();
    }

    /** Finished trials / budget, 0..1. */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty bestTextProperty() {
        return bestText.getReadOnlyProperty();
    }

    /** The best value on display, if any trial completed. */
    public OptionalDouble bestValue() {
        return bestNumber < 0 ? OptionalDouble.empty() : OptionalDouble.of(completedValues.get(bestNumber));
    }

    public StringBinding statusTextProperty() {
        return statusText;
    }

    public StringBinding progressTextProperty() {
        return progressText;
    }

    public ReadOnlyBooleanProperty exportingProperty() {
        return exporting.getReadOnlyProperty();
    }

    public BooleanBinding canStartProperty() {
        return canStart;
    }

    public BooleanBinding canPauseProperty() {
        return canPause;
    }

    public BooleanBinding canResumeProperty() {
        return canResume;
    }

    public BooleanBinding canStopProperty() {
        return canStop;
    }

    public BooleanBinding canExportProperty() {
        return canExport;
    }

    /** True while the experiment on display is the sweep running now. */
    public BooleanBinding liveProperty() {
        return live;
    }
}
