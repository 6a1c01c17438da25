package dev.orchard.engine.experiment;

import dev.orchard.engine.events.EventBus;
import dev.orchard.engine.execute.GpuInventory;
import dev.orchard.engine.execute.GpuSampler;
import dev.orchard.engine.execute.InProcessRunner;
import dev.orchard.engine.execute.ResourcePool;
import dev.orchard.engine.execute.ResourceRequest;
import dev.orchard.engine.execute.ResourceSpec;
import dev.orchard.engine.execute.Objective;
import dev.orchard.engine.execute.TrialRunner;
import dev.orchard.engine.json.ArchiveJson;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.optimize.Optimizers;
import dev.orchard.engine.schedule.Scheduler;
import dev.orchard.engine.schedule.SchedulerContext;
import dev.orchard.engine.schedule.Schedulers;
import dev.orchard.engine.store.ExperimentArchive;
import dev.orchard.engine.store.ExperimentRecord;
import dev.orchard.engine.store.ExperimentSummary;
import dev.orchard.engine.store.Store;
import dev.orchard.engine.store.SweepCheckpoint;
import dev.orchard.engine.store.TrialProcess;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.MetricPoint;
import dev.orchard.engine.trial.Trial;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
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
    private final GpuInventory gpus = GpuInventory.system();
    /** Publishes GPU utilisation every few seconds on machines that have GPUs (for the dashboard); null otherwise. */
    private final GpuSampler sampler;

    private Orchard(Store store) {
        this.store = store;
        this.dataDir = store.path().toAbsolutePath().getParent();
        this.recorder = new HistoryRecorder(store);
        this.subscription = bus.subscribe(recorder);
        this.sampler = gpus.detect().isEmpty() ? null : new GpuSampler(gpus, bus, Duration.ofSeconds(5)).start();
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

    // Reads wait for the history writer first, so they see everything published before them (a trial's launch that an
    // event already announced, say).

    public List<ExperimentSummary> experiments() {
        recorder.catchUp();
        return store.experiments();
    }

    public Optional<ExperimentSummary> summary(long id) {
        recorder.catchUp();
        return store.summary(id);
    }

    public Optional<ExperimentRecord> experiment(long id) {
        recorder.catchUp();
        return store.experiment(id);
    }

    public List<Trial> trials(long experimentId) {
        recorder.catchUp();
        return store.trials(experimentId);
    }

    public List<MetricPoint> metrics(long experimentId) {
        recorder.catchUp();
        return store.metrics(experimentId);
    }

    public List<MetricPoint> metrics(long experimentId, int trial) {
        recorder.catchUp();
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

    /**
     * Starts a sweep of a Java objective with a scheduler of your own (the spec's scheduler is recorded, not used). A
     * sweep started this way is resumed with {@link #resume(long, Objective)}, which builds the spec's scheduler.
     */
    public Sweep start(ExperimentSpec spec, Objective objective, Scheduler scheduler) {
        Specs.validateRun(spec, spec.name() == null ? "experiment" : spec.name());
        return start(spec, Optional.empty(), new InProcessRunner(objective), scheduler);
    }

    private Sweep start(ExperimentSpec spec, Optional<Path> baseDir, TrialRunner runner) {
        return start(spec, baseDir, runner, scheduler(spec));
    }

    private Sweep start(ExperimentSpec spec, Optional<Path> baseDir, TrialRunner runner, Scheduler scheduler) {
        Optimizer optimizer = optimizer(spec);
        Sweep.ResourceGate gate = resources(spec);
        long id = store.createExperiment(Optional.empty(), spec.name(), "sweep", spec.direction(), Specs.write(spec),
                baseDir.map(Path::toString), ExperimentStatus.CREATED);
        return launch(new Sweep(id, spec.name(), spec.budget(), spec.direction(), metric(spec), optimizer, scheduler,
                runner, gate, bus, store, this::journal, dataDir, Sweep.History.NONE));
    }

    private Sweep launch(Sweep sweep) {
        sweeps.add(sweep);
        sweep.completion().whenComplete((s, e) -> sweeps.remove(sweep));
        return sweep.start();
    }

    private static Optimizer optimizer(ExperimentSpec spec) {
        return Optimizers.create(spec.optimizer().name(),
                new OptimizerContext(spec.space(), spec.direction(), spec.seed(), spec.optimizer().config()));
    }

    private static Scheduler scheduler(ExperimentSpec spec) {
        return Schedulers.create(spec.scheduler(), new SchedulerContext(spec.space(), spec.direction(), spec.seed(), spec.budget()));
    }

    /**
     * Where the sweep's trials get their GPUs and CPU slots. With a {@code resources} section, exactly what it says
     * (a GPU listed that the machine lacks, or a per-trial request that can never fit, is an error now, not a hang).
     * Without one, command trials each get a GPU of their own when {@code nvidia-smi} finds any (and wait for a free
     * one), and run without a GPU otherwise; in-process trials take nothing.
     */
    private Sweep.ResourceGate resources(ExperimentSpec spec) {
        ResourceSpec rs = spec.resources();
        ResourcePool pool;
        ResourceRequest perTrial;
        if (rs != null) {
            pool = rs.pool(gpus);
            perTrial = rs.perTrial();
        } else if (spec.objective() instanceof ObjectiveSpec.Command) {
            pool = ResourceSpec.DEFAULT.pool(gpus);
            perTrial = new ResourceRequest(pool.gpus().isEmpty() ? 0 : 1, 0);
        } else {
            return Sweep.ResourceGate.NONE;
        }
        pool.check(perTrial);
        return cancelled -> pool.acquire(perTrial, cancelled).map(lease -> new Sweep.Held(lease.resources(), lease::close));
    }

    private void journal(dev.orchard.engine.store.WriteBatch.SweepWrite write, boolean durable) {
        if (durable) {
            recorder.record(write);
        } else {
            recorder.append(write);
        }
    }

    private static String metric(ExperimentSpec spec) {
        return spec.objective() == null ? "value" : spec.objective().metric();
    }

    /**
     * Continues a sweep whose engine died (or that was paused when its engine closed) from what is stored: processes
     * left over from its trials are ended, trials that were running restart from their last checkpoints, completed
     * trials are neither lost nor run again, and the optimizer continues as if it had never been interrupted.
     */
    public Sweep resume(long id) {
        ExperimentRecord rec = resumable(id);
        ExperimentSpec spec = Specs.parse(rec.specJson(), "experiment " + id);
        Path base = rec.baseDir().map(Path::of).orElseThrow(() -> new IllegalArgumentException("experiment " + id
                + " ran a Java objective in-process; resume it from Java with resume(id, objective)"));
        return resume(rec, spec, Runners.forSpec(spec.objective(), base, dataDir));
    }

    /** {@link #resume(long)} for a sweep whose trials run a Java objective in-process. */
    public Sweep resume(long id, Objective objective) {
        ExperimentRecord rec = resumable(id);
        return resume(rec, Specs.parse(rec.specJson(), "experiment " + id), new InProcessRunner(objective));
    }

    private ExperimentRecord resumable(long id) {
        ExperimentRecord rec = store.experiment(id).orElseThrow(() -> new IllegalArgumentException("no experiment with id " + id));
        if (!rec.kind().equals("sweep")) {
            throw new IllegalArgumentException("experiment " + id + " is a " + rec.kind() + ", not a sweep");
        }
        if (sweeps.stream().anyMatch(s -> s.experimentId() == id)) {
            throw new IllegalStateException("experiment " + id + " is running in this process already");
        }
        if (rec.status() == ExperimentStatus.COMPLETED || rec.status() == ExperimentStatus.STOPPED
                || rec.status() == ExperimentStatus.FAILED) {
            throw new IllegalStateException("experiment " + id + " has ended (" + rec.status().wire() + "); nothing to resume");
        }
        return rec;
    }

    private Sweep resume(ExperimentRecord rec, ExperimentSpec spec, TrialRunner runner) {
        long id = rec.id();
        recorder.flush();
        for (TrialProcess p : store.unfinishedProcesses(id)) {
            Orphans.end(p, Duration.ofSeconds(10));
        }
        var trials = new java.util.HashMap<Integer, Trial>();
        String metric = metric(spec);
        for (Trial t : store.trials(id)) {
            if (t.state() == dev.orchard.engine.trial.TrialState.RUNNING || t.state() == dev.orchard.engine.trial.TrialState.PENDING) {
                // interrupted: carry its last stored value of the objective's metric into the restart
                var last = store.metrics(id, t.number()).stream().filter(m -> m.name().equals(metric))
                        .reduce((a, b) -> b);
                if (last.isPresent()) {
                    t = new Trial(t.experimentId(), t.number(), t.params(), t.state(),
                            java.util.OptionalDouble.of(last.get().value()), last.get().step(), t.error(), t.startedAt(), t.finishedAt());
                }
            }
            trials.put(t.number(), t);
        }
        Optional<SweepCheckpoint> cp = store.sweepCheckpoint(id);
        Optimizer optimizer = optimizer(spec);
        Scheduler scheduler = scheduler(spec);
        List<Integer> observed = cp.map(SweepCheckpoint::observed).orElse(List.of());
        if (cp.isPresent()) {
            // the optimizer's contract: re-observe the history it had been told, then restore its own state
            for (int n : observed) {
                Trial t = trials.get(n);
                if (t != null) {
                    optimizer.observe(Sweep.observation(t));
                }
            }
            cp.get().optimizerStateJson().ifPresent(json -> optimizer.restore(dev.orchard.engine.json.Json.read(json)));
            cp.get().schedulerStateJson().ifPresent(json -> scheduler.restore(dev.orchard.engine.json.Json.readMap(json)));
        }
        var history = new Sweep.History(trials, observed, cp.map(SweepCheckpoint::pausedByUser).orElse(List.of()),
                store.parents(id), cp.map(SweepCheckpoint::nextNumber).orElse(0), cp.flatMap(SweepCheckpoint::optimizerStateJson));
        return launch(new Sweep(id, rec.name(), spec.budget(), spec.direction(), metric(spec), optimizer, scheduler,
                runner, resources(spec), bus, store, this::journal, dataDir, history));
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

    /**
     * Pauses running sweeps (their trials checkpoint and exit), stores everything and closes the database. A sweep
     * left paused this way is continued with {@link #resume(long)}, in this process or a later one.
     */
    @Override
    public void close() {
        for (Sweep s : sweeps) {
            s.pause();
        }
        for (Sweep s : sweeps) {
            try {
                s.detachWhenPaused(java.time.Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (sampler != null) {
            sampler.close();
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
