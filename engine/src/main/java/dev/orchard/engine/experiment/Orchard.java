package dev.orchard.engine.experiment;

import dev.orchard.engine.events.EventBus;
import dev.orchard.engine.execute.GpuInventory;
import dev.orchard.engine.execute.GpuSampler;
import dev.orchard.engine.execute.InProcessRunner;
import dev.orchard.engine.execute.ResourcePool;
import dev.orchard.engine.execute.ResourceRequest;
import dev.orchard.engine.execute.ResourceSpec;
import dev.orchard.engine.execute.RunRecord;
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
import dev.orchard.engine.store.DiskFullException;
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
    private final List<PipelineExperiment> pipelines = new CopyOnWriteArrayList<>();
    private final Nesting nesting = new Nesting(this);
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
        return folders(experimentId).logs().resolve("trial-" + trial + ".log");
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
        Specs.validate(spec, Specs.label(spec));
        Path base = baseDir.toAbsolutePath().normalize();
        return start(spec, Optional.of(base), Runners.forSpec(spec.objective(), base, dataDir));
    }

    /** Starts a sweep whose trials run a Java objective in-process (the spec's own objective is recorded, not run). */
    public Sweep start(ExperimentSpec spec, Objective objective) {
        Specs.validateRun(spec, Specs.label(spec));
        return start(spec, Optional.empty(), new InProcessRunner(objective));
    }

    /**
     * Starts a sweep of a Java objective with a scheduler of your own (the spec's scheduler is recorded, not used). A
     * sweep started this way is resumed with {@link #resume(long, Objective)}, which builds the spec's scheduler.
     */
    public Sweep start(ExperimentSpec spec, Objective objective, Scheduler scheduler) {
        Specs.validateRun(spec, Specs.label(spec));
        return start(spec, Optional.empty(), new InProcessRunner(objective), scheduler);
    }

    private Sweep start(ExperimentSpec spec, Optional<Path> baseDir, TrialRunner runner) {
        return start(spec, baseDir, runner, scheduler(spec));
    }

    private Sweep start(ExperimentSpec spec, Optional<Path> baseDir, TrialRunner runner, Scheduler scheduler) {
        return start(spec, baseDir, runner, scheduler, Optional.empty(), List.of());
    }

    /** A sweep, top-level or the child of {@code parent}, its optimizer first told the {@code warm} observations. */
    Sweep start(ExperimentSpec spec, Optional<Path> baseDir, TrialRunner runner, Scheduler scheduler, Optional<Long> parent,
                List<SweepResult.Observed> warm) {
        Optimizer optimizer = optimizer(spec);
        warmStart(optimizer, spec.space(), warm);
        Sweep.ResourceGate gate = resources(spec);
        Optional<LivePredictions.Forecasting> forecasting = LivePredictions.Forecasting.of(spec);
        long id = store.createExperiment(parent, spec.name(), "sweep", spec.direction(), Specs.write(spec),
                baseDir.map(Path::toString), ExperimentStatus.CREATED);
        return launch(new Sweep(id, spec.name(), spec.budget(), spec.direction(), metric(spec), optimizer, scheduler,
                runner, gate, bus, store, this::journal, folders(id), Sweep.History.NONE), spec, forecasting, List.of());
    }

    /**
     * Tells an optimizer what earlier searches found. Their trial numbers are far above any this sweep will use, so
     * they never collide with its own trials.
     */
    static void warmStart(Optimizer optimizer, dev.orchard.engine.space.SearchSpace space, List<SweepResult.Observed> warm) {
        for (int i = 0; i < warm.size(); i++) {
            int number = WARM_START_NUMBERS + i;
            double value = warm.get(i).value();
            projected(space, warm.get(i).params()).ifPresent(params -> optimizer.observe(
                    dev.orchard.engine.optimize.Observation.completed(number, params, value)));
        }
    }

    /**
     * An earlier search's configuration in this search's space: parameters fixed here (a curriculum's task) take this
     * search's value, others keep theirs; one that lies outside this space is left out.
     */
    private static Optional<java.util.Map<String, Object>> projected(dev.orchard.engine.space.SearchSpace space, java.util.Map<String, Object> params) {
        var out = new java.util.LinkedHashMap<String, Object>();
        for (var p : space.params()) {
            if (p instanceof dev.orchard.engine.space.ChoiceParam c && c.values().size() == 1) {
                out.put(p.name(), c.values().get(0));
            } else if (params.containsKey(p.name())) {
                out.put(p.name(), params.get(p.name()));
            }
        }
        try {
            space.toUnit(out);
            return Optional.of(out);
        } catch (RuntimeException outside) {
            return Optional.empty();
        }
    }

    static final int WARM_START_NUMBERS = 1_000_000_000;

    /** Starts a sweep, with live curve predictions of its running trials when its spec asks for them. */
    private Sweep launch(Sweep sweep, ExperimentSpec spec, Optional<LivePredictions.Forecasting> forecasting,
                         java.util.Collection<Trial> history) {
        sweeps.add(sweep);
        forecasting.ifPresent(f -> {
            LivePredictions live = new LivePredictions(sweep.experimentId(), metric(spec), f, bus);
            live.seed(history, n -> store.metrics(sweep.experimentId(), n));
            live.start();
            predictors.put(sweep.experimentId(), live);
            sweep.completion().whenComplete((s, e) -> {
                live.close();
                live.awaitIdle(30_000);
                predictors.remove(sweep.experimentId(), live);
            });
        });
        sweep.completion().whenComplete((s, e) -> sweeps.remove(sweep));
        return sweep.start();
    }

    /** Live curve predictors of running sweeps, by experiment. */
    private final java.util.concurrent.ConcurrentHashMap<Long, LivePredictions> predictors = new java.util.concurrent.ConcurrentHashMap<>();

    /** The latest predicted rest-of-curve of each trial of an experiment that asked for live predictions. */
    public List<dev.orchard.engine.store.StoredPrediction> latestPredictions(long experimentId) {
        recorder.catchUp();
        return store.latestPredictions(experimentId);
    }

    /** Every stored prediction of one trial, oldest first (the band narrows as the trial reports more). */
    public List<dev.orchard.engine.store.StoredPrediction> predictions(long experimentId, int trial) {
        recorder.catchUp();
        return store.predictions(experimentId, trial);
    }

    private static Optimizer optimizer(ExperimentSpec spec) {
        return Optimizers.create(spec.optimizer().name(),
                new OptimizerContext(spec.space(), spec.direction(), spec.seed(), spec.optimizer().config()));
    }

    static Scheduler scheduler(ExperimentSpec spec) {
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
        return (preferred, cancelled) -> pool.acquire(perTrial, preferred, cancelled)
                .map(lease -> new Sweep.Held(lease.resources(), lease::close));
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

    ExperimentRecord resumable(long id) {
        ExperimentRecord rec = store.experiment(id).orElseThrow(() -> new IllegalArgumentException("no experiment with id " + id));
        if (!rec.kind().equals("sweep")) {
            throw new IllegalArgumentException("experiment " + id + " is a " + rec.kind() + ", not a sweep");
        }
        if (store.imported(id)) {
            throw new IllegalStateException(Imports.notResumable(rec, store.trials(id)));
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
        return resume(rec, spec, runner, List.of());
    }

    Sweep resume(ExperimentRecord rec, ExperimentSpec spec, TrialRunner runner, List<SweepResult.Observed> warm) {
        long id = rec.id();
        recorder.flush();
        for (TrialProcess p : store.unfinishedProcesses(id)) {
            // a run with a record is the runner's to pick up: it may still be running, and what it wrote is read back
            if (RunRecord.read(trialLog(id, p.trial())).isEmpty()) {
                Orphans.end(p, Duration.ofSeconds(10));
            }
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
        warmStart(optimizer, spec.space(), warm);
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
        Optional<LivePredictions.Forecasting> forecasting = LivePredictions.Forecasting.of(spec);
        return launch(new Sweep(id, rec.name(), spec.budget(), spec.direction(), metric(spec), optimizer, scheduler,
                runner, resources(spec), bus, store, this::journal, folders(id), history), spec, forecasting, trials.values());
    }

    Store store() {
        return store;
    }

    Path dataDir() {
        return dataDir;
    }

    /** An experiment's trial logs and checkpoint folders, beside the database, named so no other experiment shares them. */
    Sweep.Folders folders(long experimentId) {
        String name = store.folderName(experimentId);
        return new Sweep.Folders(dataDir.resolve("logs").resolve(name), dataDir.resolve("checkpoints").resolve(name));
    }

    // ---- pipelines ----

    /**
     * Starts a pipeline experiment from its spec (one with a {@code pipeline}); relative paths resolve against
     * {@code baseDir}. Problems of the pipeline are reported before anything is stored.
     */
    public PipelineExperiment startPipeline(ExperimentSpec spec, Path baseDir) {
        Specs.validate(spec, Specs.label(spec));
        Path base = baseDir.toAbsolutePath().normalize();
        dev.orchard.engine.pipeline.Pipeline p = PipelineExperiments.build(spec, Optional.of(base));
        long id = store.createExperiment(Optional.empty(), spec.name(), "pipeline", spec.direction(), Specs.write(spec),
                Optional.of(base.toString()), ExperimentStatus.CREATED);
        return launch(id, spec.name(), p, null, false);
    }

    /**
     * Starts a pipeline built in Java, given {@code input} at its start. Its shape is stored as its spec; resume it with
     * {@link #resumePipeline(long, dev.orchard.engine.pipeline.Pipeline, Object)}, giving the same pipeline.
     */
    public PipelineExperiment startPipeline(dev.orchard.engine.pipeline.Pipeline pipeline, Object input) {
        pipeline.checked();
        ExperimentSpec spec = new ExperimentSpec(ExperimentSpec.FORMAT, pipeline.name(), null, null, null, null, null, null, null,
                null, null, PipelineExperiments.describe(pipeline.graph()));
        long id = store.createExperiment(Optional.empty(), pipeline.name(), "pipeline", spec.direction(), Specs.write(spec),
                Optional.empty(), ExperimentStatus.CREATED);
        return launch(id, pipeline.name(), pipeline, input, false);
    }

    /** Continues a pipeline of a spec after its last checkpoint; its sweeps continue where they were. */
    public PipelineExperiment resumePipeline(long id) {
        ExperimentRecord rec = resumablePipeline(id);
        Path base = rec.baseDir().map(Path::of).orElseThrow(() -> new IllegalArgumentException("pipeline " + id
                + " was built in Java; resume it from Java with resumePipeline(id, pipeline, input)"));
        ExperimentSpec spec = Specs.parse(rec.specJson(), "experiment " + id);
        return launch(id, rec.name(), PipelineExperiments.build(spec, Optional.of(base)), null, true);
    }

    /** {@link #resumePipeline(long)} for a pipeline built in Java: give the same pipeline and input again. */
    public PipelineExperiment resumePipeline(long id, dev.orchard.engine.pipeline.Pipeline pipeline, Object input) {
        ExperimentRecord rec = resumablePipeline(id);
        return launch(id, rec.name(), pipeline.checked(), input, true);
    }

    private ExperimentRecord resumablePipeline(long id) {
        ExperimentRecord rec = store.experiment(id).orElseThrow(() -> new IllegalArgumentException("no experiment with id " + id));
        if (!rec.kind().equals("pipeline")) {
            throw new IllegalArgumentException("experiment " + id + " is a " + rec.kind() + ", not a pipeline");
        }
        if (store.imported(id)) {
            throw new IllegalStateException(Imports.notResumable(rec, store.trials(id)));
        }
        if (pipelines.stream().anyMatch(p -> p.experimentId() == id)) {
            throw new IllegalStateException("experiment " + id + " is running in this process already");
        }
        if (rec.status() == ExperimentStatus.COMPLETED || rec.status() == ExperimentStatus.STOPPED
                || rec.status() == ExperimentStatus.FAILED) {
            throw new IllegalStateException("experiment " + id + " has ended (" + rec.status().wire() + "); nothing to resume");
        }
        return rec;
    }

    private PipelineExperiment launch(long id, String name, dev.orchard.engine.pipeline.Pipeline p, Object input, boolean resume) {
        var run = new dev.orchard.engine.pipeline.PipelineRun(p, new dev.orchard.engine.pipeline.PipelineRun.Options(id,
                Optional.of(bus), PipelineExperiments.journal(store, id), java.util.Map.of(SubExperiments.class, nesting), resume));
        PipelineExperiment pe = new PipelineExperiment(id, name, run, store, bus);
        pipelines.add(pe);
        pe.completion().whenComplete((s, e) -> pipelines.remove(pe));
        return pe.start(input);
    }

    /** Pipelines started through this facade that have not ended. */
    public List<PipelineExperiment> activePipelines() {
        return List.copyOf(pipelines);
    }

    /** The experiments stored inside one (the sweeps of a pipeline, the inner sweeps of a meta-sweep's trial). */
    public List<ExperimentRecord> children(long id) {
        recorder.catchUp();
        return store.children(id);
    }

    /** Sweeps started through this facade that have not ended. */
    public List<Sweep> activeSweeps() {
        return List.copyOf(sweeps);
    }

    /** Waits until everything published so far is stored. */
    public void flush() {
        predictors.values().forEach(p -> p.awaitIdle(30_000));
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
        } catch (IOException e) {
            if (DiskFullException.causedBy(e)) {
                throw new DiskFullException(abs, e);
            }
            throw e;
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
        for (PipelineExperiment p : pipelines) {
            p.prepareClose();
        }
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
        for (PipelineExperiment p : pipelines) {
            try {
                p.detach(java.time.Duration.ofSeconds(30));
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
