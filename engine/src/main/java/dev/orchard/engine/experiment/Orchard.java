package dev.orchard.engine.experiment;

import dev.orchard.engine.events.EventBus;
import dev.orchard.engine.execute.InProcessRunner;
import dev.orchard.engine.execute.Objective;
import dev.orchard.engine.execute.TrialRunner;
import dev.orchard.engine.json.ArchiveJson;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.optimize.Optimizers;
import dev.orchard.engine.schedule.SchedulerContext;
import dev.orchard.engine.schedule.Schedulers;
import dev.orchard.engine.store.ExperimentArchive;
import dev.orchard.engine.store.ExperimentRecord;
import dev.orchard.engine.store.ExperimentSummary;
import dev.orchard.engine.store.Store;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.MetricPoint;
import dev.orchard.engine.trial.Trial;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The engine facade that the CLI and the workbench use: one history database, one event bus, and the experiments
 * started through it. Trial logs and checkpoints live beside the database.
 */
public final class Orchard implements AutoCloseable {
    private final Store store;
    private final EventBus bus = new EventBus();
    private final HistoryRecorder recorder;
    private final AutoCloseable subscription;
    private final Path dataDir;
    private final List<Sweep> sweeps = new CopyOnWriteArrayList<>();

    private Orchard(Store store) {
        this.store = store;
        this.dataDir = store.path().toAbsolutePath().getParent();
        this.recorder = new HistoryRecorder(store);
        this.subscription = bus.subscribe(recorder);
    }

    /** Opens the history database at {@code db} (created if absent). */
    public static Orchard open(Path db) {
        return new Orchard(Store.open(db));
    }

    /** A throw-away database in memory; trial logs go under {@code scratch}. */
    public static Orchard openInMemory(Path scratch) {
        return new Orchard(Store.openInMemory(scratch));
    }

    /**
     * The default database: {@code $ORCHARD_HOME/history}, else {@code $XDG_DATA_HOME/orchard/history}, else
     * {@code ~/.local/share/orchard/history} (on Windows {@code %LOCALAPPDATA%\Orchard\history}).
     */
    public static Path defaultDatabase() {
        String home = System.getenv("ORCHARD_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home, "history");
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "orchard", "history");
        }
        String local = System.getenv("LOCALAPPDATA");
        if (local != null && System.getProperty("os.name", "").startsWith("Windows")) {
            return Path.of(local, "Orchard", "history");
        }
        return Path.of(System.getProperty("user.home"), ".local", "share", "orchard", "history");
    }

    public EventBus events() {
        return bus;
    }

    public Path database() {
        return store.path();
    }

    /** Where a trial's log file is (it may not exist: in-process trials write none). */
    public Path trialLog(long experimentId, int trial) {
        return dataDir.resolve("logs").resolve(String.valueOf(experimentId)).resolve("trial-" + trial + ".log");
    }

    public List<ExperimentSummary> experiments() {
        return store.experiments();
    }

    public Optional<ExperimentSummary> summary(long id) {
        return store.summary(id);
    }

    public Optional<ExperimentRecord> experiment(long id) {
        return store.experiment(id);
    }

    public List<Trial> trials(long experimentId) {
        return store.trials(experimentId);
    }

    public List<MetricPoint> metrics(long experimentId) {
        return store.metrics(experimentId);
    }

    public List<MetricPoint> metrics(long experimentId, int trial) {
        return store.metrics(experimentId, trial);
    }

    /** Starts a sweep of a spec; relative paths in it (a command's workdir) resolve against {@code baseDir}. */
    public Sweep start(ExperimentSpec spec, Path baseDir) {
        Specs.validate(spec, spec.name());
        Path base = baseDir.toAbsolutePath().normalize();
        return start(spec, Optional.of(base), Runners.forSpec(spec.objective(), base, dataDir));
    }

    /** Starts a sweep whose trials run a Java objective in-process (the spec's own objective is recorded, not run). */
    public Sweep start(ExperimentSpec spec, Objective objective) {
        Specs.validateRun(spec, spec.name() == null ? "experiment" : spec.name());
        return start(spec, Optional.empty(), new InProcessRunner(objective));
    }

    private Sweep start(ExperimentSpec spec, Optional<Path> baseDir, TrialRunner runner) {
        Optimizer optimizer = Optimizers.create(spec.optimizer().name(),
                new OptimizerContext(spec.space(), spec.direction(), spec.seed(), spec.optimizer().config()));
        var scheduler = Schedulers.create(spec.scheduler(),
                new SchedulerContext(spec.space(), spec.direction(), spec.seed(), spec.budget()));
        long id = store.createExperiment(Optional.empty(), spec.name(), "sweep", spec.direction(), Specs.write(spec),
                baseDir.map(Path::toString), ExperimentStatus.CREATED);
        Sweep sweep = new Sweep(id, spec.name(), spec.budget(), spec.direction(), optimizer, scheduler, runner, bus,
                dataDir.resolve("logs"));
        sweeps.add(sweep);
        sweep.completion().whenComplete((s, e) -> sweeps.remove(sweep));
        return sweep.start();
    }

    /** Sweeps started through this facade that have not ended. */
    public List<Sweep> activeSweeps() {
        return List.copyOf(sweeps);
    }

    /** Waits until everything published so far is stored. */
    public void flush() {
        recorder.flush();
    }

    /** The experiment as export JSON text. */
    public String exportJson(long id) {
        flush();
        ExperimentArchive a = store.archive(id).orElseThrow(() -> new IllegalArgumentException("no experiment with id " + id));
        return ArchiveJson.write(a);
    }

    /** Writes the export file atomically (a temporary file renamed into place). */
    public void exportTo(long id, Path file) throws IOException {
        String json = exportJson(id);
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        Path tmp = Files.createTempFile(abs.getParent(), ".orchard-export", ".tmp");
        try {
            Files.writeString(tmp, json);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads an export file and stores it as a new experiment; returns the new id. Invalid files store nothing. */
    public long importFrom(Path file) {
        return store.importArchive(ArchiveJson.read(file));
    }

    /** Stops running sweeps, waits for them, stores everything and closes the database. */
    @Override
    public void close() {
        for (Sweep s : sweeps) {
            s.stop();
        }
        for (Sweep s : sweeps) {
            try {
                s.await(java.time.Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            subscription.close();
        } catch (Exception ignored) {
            // unsubscribing cannot fail
        }
        recorder.close();
        store.close();
    }
}
