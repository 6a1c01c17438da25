package dev.orchard.engine.experiment;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.events.EventBus;
import dev.orchard.engine.execute.CommandRunner;
import dev.orchard.engine.execute.RunRecord;
import dev.orchard.engine.execute.TrialContext;
import dev.orchard.engine.execute.TrialRunner;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.schedule.Decision;
import dev.orchard.engine.schedule.Launch;
import dev.orchard.engine.schedule.Scheduler;
import dev.orchard.engine.store.Columns;
import dev.orchard.engine.store.Store;
import dev.orchard.engine.store.SweepCheckpoint;
import dev.orchard.engine.store.WriteBatch;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.Resources;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialResult;
import dev.orchard.engine.trial.TrialState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * A running sweep. One control thread asks the scheduler what to start (fresh configurations from the optimizer,
 * paused trials to continue, trials derived from another's checkpoint), worker threads run the trials, and every
 * intermediate result goes to the scheduler at once, on the reporting thread, so a stop or pause decision takes effect
 * before the trial's next step.
 * <p>
 * Nothing is lost to a crash: trials are written to the store, with the optimizer's and the scheduler's state, in one
 * transaction before they start, and again when they pause or end, before anyone is told; metrics follow through the
 * batched history writer. {@link Orchard#resume} continues a sweep from what is stored.
 * <p>
 * Control, from any thread, never blocking: {@link #pause()} asks running trials to checkpoint and exit (command trials
 * get SIGTERM) and starts nothing new; {@link #resume()} restarts them from their checkpoints; {@link #stop()} ends
 * the sweep. The same for one trial: {@link #pauseTrial}, {@link #resumeTrial}, {@link #stopTrial}.
 * <p>
 * Results are told to the optimizer in trial-number order just before it is asked again, so a seeded sweep suggests
 * the same configurations however its parallel trials happen to finish.
 */
public final class Sweep {
    private static final Logger LOG = LoggerFactory.getLogger(Sweep.class);
    private static final Object WAKE = new Object();

    private final long experimentId;
    private final String name;
    private final int budget;
    private final Direction direction;
    private final String metric;
    private final Optimizer optimizer;
    private final Scheduler scheduler;
    /** Guards every call into the scheduler: the control thread and reporting workers both call it. */
    private final Object schedulerLock = new Object();
    private final TrialRunner runner;
    private final ResourceGate resources;
    private final EventBus bus;
    private final Store store;
    /** Stores trial snapshots and the checkpoint, in order, after the metrics published before them. */
    private final Journal journal;
    private final Path logDir;
    private final Path checkpointDir;
    private final ExecutorService workers;
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<ExperimentStatus> done = new CompletableFuture<>();
    private final AtomicInteger finishedCount = new AtomicInteger();
    private final AtomicReference<Trial> best = new AtomicReference<>();
    private volatile boolean paused;
    private volatile boolean stopRequested;
    private volatile ExperimentStatus status = ExperimentStatus.CREATED;
    private Thread control;

    // Owned by the control thread.
    private final Map<Integer, Running> running = new TreeMap<>();
    private final Map<Integer, Trial> trials = new HashMap<>();
    private final Set<Integer> pausedByUser = new LinkedHashSet<>();
    /** Trials paused by {@link #pause()} (not one by one): {@link #resume()} restarts exactly these. */
    private final Set<Integer> pausedBySweep = new LinkedHashSet<>();
    private final Set<Integer> pausedByScheduler = new LinkedHashSet<>();
    private final ArrayDeque<Integer> toResume = new ArrayDeque<>();
    /** Trials that were running when the engine died: their runner picks up what their run left (once). */
    private final Set<Integer> interrupted = new HashSet<>();
    private final List<Trial> unobserved = new ArrayList<>();
    /** Numbers of the trials told to the optimizer, in the order told (checkpoints take O(1) snapshots of it). */
    private final AppendOnlyInts observed = new AppendOnlyInts();
    private final Map<Integer, Integer> parents = new HashMap<>();
    private int nextNumber;
    private boolean exhausted;
    private String optimizerState;

    /** Where the sweep's trial logs and checkpoint folders go. */
    record Folders(Path logs, Path checkpoints) {
    }

    /** What a resumed sweep starts from (empty for a new one). */
    record History(Map<Integer, Trial> trials, List<Integer> observed, List<Integer> pausedByUser,
                   Map<Integer, Integer> parents, int nextNumber, Optional<String> optimizerState) {
        static final History NONE = new History(Map.of(), List.of(), List.of(), Map.of(), 0, Optional.empty());
    }

    /**
     * The sweep's writes to the store: in order, one writer, each after the events published before it. With
     * {@code durable} the call returns once the write is committed; without, it returns at once (group commit).
     */
    interface Journal {
        void write(WriteBatch.SweepWrite write, boolean durable);
    }

    /** Where a trial's devices come from; {@link #NONE} when trials need none. */
    interface ResourceGate {
        /**
         * Waits for the trial's resources, the GPUs in {@code preferred} first when they are free; empty if
         * {@code cancelled} turned true first.
         */
        Optional<Held> acquire(List<Integer> preferred, BooleanSupplier cancelled) throws InterruptedException;

        ResourceGate NONE = (preferred, cancelled) -> Optional.of(new Held(Resources.NONE, () -> {
        }));
    }

    /** Resources held by a trial until it ends. */
    record Held(Resources resources, Runnable release) {
    }

    /** What a trial was asked for, weakest first; DONE: the scheduler ended it because it used its whole budget. */
    private enum Request {
        NONE, PAUSE_USER, PAUSE_SCHEDULER, DONE, PRUNE, STOP
    }

    /** A trial's stop flag and what it was asked for; a stronger request replaces a weaker one. */
    private static final class TrialControl {
        final AtomicReference<Request> request = new AtomicReference<>(Request.NONE);
        /** Taken by whichever comes first: the worker that runs the trial, or an end before it began. */
        final AtomicBoolean claimed = new AtomicBoolean();
        volatile double lastValue = Double.NaN;
        volatile long lastStep = -1;
        /** A restarted trial's first report supersedes what it reported after its last checkpoint. */
        volatile boolean rewind;
        /** The step of the latest report (reports come from one thread per trial). */
        volatile long maxReported = -1;

        boolean ask(Request r) {
            return request.getAndUpdate(old -> r.ordinal() > old.ordinal() ? r : old).ordinal() < r.ordinal();
        }

        boolean stop() {
            return request.get() != Request.NONE;
        }
    }

    private record Running(Trial trial, TrialControl control, Future<?> future) {
    }

    private record Finished(int number, TrialResult result) {
    }

    Sweep(long experimentId, String name, int budget, Direction direction, String metric, Optimizer optimizer,
          Scheduler scheduler, TrialRunner runner, ResourceGate resources, EventBus bus, Store store,
          Journal journal, Folders folders, History history) {
        this.experimentId = experimentId;
        this.name = name;
        this.budget = budget;
        this.direction = direction;
        this.metric = metric;
        this.optimizer = optimizer;
        this.scheduler = scheduler;
        this.runner = runner;
        this.resources = resources;
        this.bus = bus;
        this.store = store;
        this.journal = journal;
        this.logDir = folders.logs();
        this.checkpointDir = folders.checkpoints();
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "orchard-trial-" + experimentId + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        restoreHistory(history);
    }

    /** Picks up a stored sweep: trials that were running when the engine died are restarted from their checkpoints. */
    private void restoreHistory(History h) {
        trials.putAll(h.trials());
        observed.addAll(h.observed());
        parents.putAll(h.parents());
        nextNumber = Math.max(h.nextNumber(), h.trials().keySet().stream().mapToInt(i -> i + 1).max().orElse(0));
        optimizerState = h.optimizerState().orElse(null);
        Set<Integer> told = new HashSet<>(h.observed());
        for (Trial t : new TreeMap<>(h.trials()).values()) {
            switch (t.state()) {
                case RUNNING, PENDING -> {
                    toResume.add(t.number());
                    interrupted.add(t.number());
                }
                case PAUSED -> {
                    if (h.pausedByUser().contains(t.number())) {
                        pausedByUser.add(t.number());
                        pausedBySweep.add(t.number());
                    } else {
                        pausedByScheduler.add(t.number());
                    }
                }
                default -> {
                    finishedCount.incrementAndGet();
                    noteBest(t);
                    if (!told.contains(t.number())) {
                        unobserved.add(t);
                    }
                }
            }
        }
        // a resume is the user's wish to go on: trials the user had paused continue too
        toResume.addAll(pausedBySweep);
        pausedBySweep.clear();
        pausedByUser.clear();
    }

    public long experimentId() {
        return experimentId;
    }

    public String name() {
        return name;
    }

    public int budget() {
        return budget;
    }

    public Direction direction() {
        return direction;
    }

    public ExperimentStatus status() {
        return status;
    }

    /** Trials that reached a final state so far. */
    public int finishedTrials() {
        return finishedCount.get();
    }

    /** The best completed trial so far. */
    public Optional<Trial> best() {
        return Optional.ofNullable(best.get());
    }

    /** Starts the control thread; returns at once. */
    public synchronized Sweep start() {
        if (control != null) {
            throw new IllegalStateException("sweep " + experimentId + " was already started");
        }
        control = new Thread(this::loop, "orchard-sweep-" + experimentId);
        control.setDaemon(true);
        control.start();
        return this;
    }

    /** Running trials are asked to checkpoint and exit; nothing new starts until {@link #resume()}. */
    public void pause() {
        if (!stopRequested && !status.finished()) {
            paused = true;
            command(this::pauseAll);
        }
    }

    /** Continues after {@link #pause()}: the trials it paused restart from their checkpoints first. */
    public void resume() {
        if (paused) {
            paused = false;
            command(() -> {
                toResume.addAll(pausedBySweep);
                pausedByUser.removeAll(pausedBySweep);
                pausedBySweep.clear();
            });
        }
    }

    /** Ends the sweep: running trials are asked to stop (processes terminated), none is launched. */
    public void stop() {
        if (!status.finished()) {
            stopRequested = true;
            command(() -> {
                announceEnding(ExperimentStatus.STOPPING);
                running.values().forEach(r -> end(r, Request.STOP));
            });
        }
    }

    /** Asks one running trial to checkpoint and exit; it stays paused until {@link #resumeTrial}. */
    public void pauseTrial(int number) {
        command(() -> {
            Running r = running.get(number);
            if (r != null) {
                end(r, Request.PAUSE_USER);
            }
        });
    }

    /** Restarts a trial the user paused, from its checkpoint, as soon as a slot is free. */
    public void resumeTrial(int number) {
        command(() -> {
            if (pausedByUser.remove(number)) {
                pausedBySweep.remove(number);
                toResume.add(number);
            }
        });
    }

    /** Ends one trial for good (running or paused by the user); the sweep goes on. */
    public void stopTrial(int number) {
        command(() -> {
            Running r = running.get(number);
            if (r != null) {
                end(r, Request.STOP);
            } else if (pausedByUser.remove(number)) {
                pausedBySweep.remove(number);
                Trial t = trials.get(number);
                Trial stopped = t.finish(TrialState.STOPPED, OptionalDouble.empty(), t.lastStep(), Optional.of("stopped by the user"), Instant.now());
                concluded(List.of(stopped));
            }
        });
    }

    public boolean isPaused() {
        return paused;
    }

    /**
     * For an engine that closes: waits (at most {@code timeout}) until the paused sweep has no trial running, then ends
     * its control thread without recording an end, so the stored sweep stays paused and can be resumed later. If
     * trials still run at the timeout, the sweep is stopped instead.
     */
    void detachWhenPaused(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!status.finished() && status != ExperimentStatus.PAUSED && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (status.finished()) {
            return;
        }
        if (status == ExperimentStatus.PAUSED) {
            command(() -> {
                throw new Detach();
            });
        } else {
            stop();
        }
        await(Duration.ofSeconds(30));
    }

    /** Ends the control loop of a paused sweep without recording an end. */
    private static final class Detach extends RuntimeException {
        Detach() {
            super(null, null, false, false);
        }
    }

    /** Waits for the sweep to end and returns its final status. */
    public ExperimentStatus await() throws InterruptedException {
        return Completion.await(done);
    }

    /** Waits at most {@code timeout}; empty if the sweep is still running then. */
    public Optional<ExperimentStatus> await(Duration timeout) throws InterruptedException {
        return Completion.await(done, timeout);
    }

    public CompletableFuture<ExperimentStatus> completion() {
        return done;
    }

    private void command(Runnable r) {
        inbox.add(r);
    }

    private void setStatus(ExperimentStatus s, String message) {
        if (status != s) {
            // the trials first: a status stored ahead of them could claim an end whose trials a crash then loses
            journal.write(new WriteBatch.SweepWrite(experimentId, List.of(), Map.of(), Optional.empty()), true);
            store.setStatus(experimentId, s, message);
            status = s; // only once stored: whoever sees the status can read it from the store too
            bus.publish(new EngineEvent.ExperimentStatusChanged(experimentId, s, message));
        }
    }

    private void loop() {
        ExperimentStatus end;
        String message = null;
        try {
            setStatus(ExperimentStatus.RUNNING, null);
            while (true) {
                boolean launched = false;
                if (!paused && !stopRequested) {
                    launched = launch();
                }
                if (running.isEmpty()) {
                    if (stopRequested) {
                        break;
                    }
                    if (!launched && !paused && toResume.isEmpty()) {
                        if (pausedByUser.isEmpty()) {
                            break; // nothing runs and the scheduler starts nothing: done
                        }
                        setStatus(ExperimentStatus.PAUSED, "waiting for the trials paused by the user");
                    } else if (paused) {
                        setStatus(ExperimentStatus.PAUSED, null);
                    }
                } else if (stopRequested) {
                    setStatus(ExperimentStatus.STOPPING, null);
                } else if (paused) {
                    setStatus(ExperimentStatus.PAUSING, null);
                } else {
                    setStatus(ExperimentStatus.RUNNING, null);
                }
                if (launched && !running.isEmpty()) {
                    continue; // ask again at once: the scheduler may have more to start
                }
                handle(inbox.take());
                Object more;
                while ((more = inbox.poll()) != null) {
                    handle(more);
                }
                flushConcluded();
            }
            finishLeftovers();
            observePending();
            end = stopRequested ? ExperimentStatus.STOPPED : ExperimentStatus.COMPLETED;
        } catch (InterruptedException e) {
            end = ExperimentStatus.STOPPED;
            message = "interrupted";
        } catch (Detach d) {
            flushConcluded();
            workers.shutdownNow();
            done.complete(ExperimentStatus.PAUSED);
            return;
        } catch (RuntimeException e) {
            LOG.error("sweep {} failed", experimentId, e);
            end = ExperimentStatus.FAILED;
            message = e.getMessage() == null ? e.toString() : e.getMessage();
            stopRequested = true;
            running.values().forEach(r -> end(r, Request.STOP));
            drainRunning();
        }
        workers.shutdownNow();
        try {
            setStatus(end, message);
        } catch (RuntimeException e) {
            LOG.error("cannot store the end of sweep {}", experimentId, e);
        }
        done.complete(end);
    }

    private void handle(Object msg) {
        if (msg instanceof Finished f) {
            finish(f);
        } else if (msg instanceof Runnable r) {
            r.run();
        }
    }

    /** After a failure of the control loop: waits briefly for running trials so their results are still recorded. */
    private void drainRunning() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            try {
                Object msg = inbox.poll(100, TimeUnit.MILLISECONDS);
                if (msg instanceof Finished f) {
                    finish(f);
                    flushConcluded();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("cannot record a trial of failed sweep {}", experimentId, e);
            }
        }
    }

    // ---- launching -------------------------------------------------------------------------------------------

    /** Starts what is due: trials to resume first, then what the scheduler asks for. True if anything started. */
    private boolean launch() {
        int free = scheduler.slots() - running.size();
        if (free <= 0) {
            return false;
        }
        var starts = new ArrayList<Start>();
        while (free > 0 && !toResume.isEmpty()) {
            int n = toResume.poll();
            starts.add(new Start(trials.get(n).restarted(), new Launch.Resume(n, "resumed"), false));
            free--;
        }
        List<Launch> asked = List.of();
        if (free > 0) {
            int remaining = exhausted ? 0 : Math.max(0, budget - nextNumber);
            synchronized (schedulerLock) {
                asked = scheduler.next(new Scheduler.SweepView(running.size() + starts.size(), free, remaining));
            }
        }
        boolean suggested = false;
        List<Map<String, Object>> configs = List.of();
        long fresh = asked.stream().filter(Launch.Fresh.class::isInstance).count();
        if (fresh > 0) {
            observePending();
            int n = (int) Math.min(fresh, Math.max(0, budget - nextNumber));
            configs = n > 0 ? optimizer.suggest(n) : List.of();
            suggested = true;
            if (configs.size() < fresh) {
                exhausted = true; // a finite space is used up: end as if the budget were spent
            }
        }
        int nextConfig = 0;
        for (Launch l : asked) {
            if (starts.size() >= scheduler.slots() - running.size()) {
                break;
            }
            if (l instanceof Launch.Fresh) {
                if (nextConfig < configs.size()) {
                    starts.add(new Start(Trial.started(experimentId, nextNumber++, configs.get(nextConfig++), Instant.now()), l, true));
                }
            } else if (l instanceof Launch.Resume r) {
                if (pausedByScheduler.remove(r.trial())) {
                    starts.add(new Start(trials.get(r.trial()).restarted(), l, false));
                } else {
                    LOG.warn("sweep {}: the scheduler resumed trial {}, which it had not paused; ignored", experimentId, r.trial());
                }
            } else if (l instanceof Launch.Derived d && nextNumber < budget && trials.containsKey(d.parent())) {
                int n = nextNumber++;
                parents.put(n, d.parent());
                copyCheckpoint(d.parent(), n);
                starts.add(new Start(Trial.started(experimentId, n, d.params(), Instant.now()), l, true));
            }
        }
        if (suggested) {
            optimizerState = Json.write(optimizer.state());
        }
        if (starts.isEmpty()) {
            return false;
        }
        var rows = new ArrayList<Trial>();
        var newParents = new HashMap<Integer, Integer>();
        for (Start s : starts) {
            trials.put(s.trial.number(), s.trial);
            rows.add(s.trial);
            if (s.launch instanceof Launch.Derived d) {
                newParents.put(s.trial.number(), d.parent());
            }
        }
        // a trial that starts a process is stored before it starts (no process nobody knows of); in-process trials
        // die with the engine, and a lost launch is simply suggested again after a resume, so they need not wait
        journal.write(new WriteBatch.SweepWrite(experimentId, rows, newParents, Optional.of(checkpoint())), runner.startsProcesses());
        for (Start s : starts) {
            start(s);
        }
        return true;
    }

    private record Start(Trial trial, Launch launch, boolean isNew) {
    }

    private void start(Start s) {
        Trial trial = s.trial;
        int n = trial.number();
        TrialControl tc = new TrialControl();
        tc.rewind = !s.isNew;
        tc.lastStep = trial.lastStep();
        if (!s.isNew && trial.value().isPresent()) {
            tc.lastValue = trial.value().getAsDouble(); // what it reported before its restart
        }
        bus.publish(new EngineEvent.TrialStarted(trial));
        if (s.launch instanceof Launch.Resume r && !r.reason().equals("resumed")) {
            bus.publish(new EngineEvent.SchedulerDecision(experimentId, n, trial.lastStep(), "resume", r.reason(), Map.of()));
        } else if (s.launch instanceof Launch.Derived d) {
            bus.publish(new EngineEvent.SchedulerDecision(experimentId, n, -1, "derive", d.reason(), Map.of("parent", d.parent())));
        }
        synchronized (schedulerLock) {
            scheduler.onStarted(n, trial.params(), s.launch);
        }
        Optional<Path> from = hasCheckpoint(n) ? Optional.of(trialCheckpoint(n)) : Optional.empty();
        boolean pickUp = interrupted.remove(n);
        running.put(n, new Running(trial, tc, workers.submit(() -> runTrial(trial, tc, from, pickUp))));
    }

    private void copyCheckpoint(int parent, int child) {
        Path from = trialCheckpoint(parent);
        Path to = trialCheckpoint(child);
        try {
            Files.createDirectories(to);
            if (Files.isDirectory(from)) {
                try (var paths = Files.walk(from)) {
                    for (Path p : (Iterable<Path>) paths::iterator) {
                        Path target = to.resolve(from.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(target);
                        } else {
                            Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot copy the checkpoint of trial " + parent + " to trial " + child
                    + " (" + from + " -> " + to + "): " + e.getMessage(), e);
        }
    }

    private Path logFile(int number) {
        return logDir.resolve("trial-" + number + ".log");
    }

    Path trialCheckpoint(int number) {
        return checkpointDir.resolve("trial-" + number);
    }

    private boolean hasCheckpoint(int number) {
        Path dir = trialCheckpoint(number);
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    private SweepCheckpoint checkpoint() {
        String sched;
        synchronized (schedulerLock) {
            sched = Json.write(scheduler.state());
        }
        return new SweepCheckpoint(Optional.ofNullable(optimizerState), Optional.of(sched), nextNumber, observed.snapshot(),
                new ArrayList<>(pausedByUser));
    }

    private void runTrial(Trial trial, TrialControl tc, Optional<Path> resumeFrom, boolean pickUp) {
        if (!tc.claimed.compareAndSet(false, true)) {
            return; // ended before it began: the control thread has recorded it
        }
        TrialResult result;
        Optional<Held> held = Optional.empty();
        try {
            // a run picked up after a crash keeps the GPUs it was started on
            List<Integer> preferred = pickUp ? RunRecord.read(logFile(trial.number())).map(RunRecord::gpus).orElse(List.of()) : List.of();
            held = resources.acquire(preferred, tc::stop);
            if (held.isEmpty()) {
                result = TrialResult.stopped(trial.lastStep());
            } else {
                result = runner.run(new Context(trial, tc, resumeFrom, held.get().resources(), pickUp));
            }
        } catch (InterruptedException e) {
            result = TrialResult.stopped(tc.lastStep);
        } catch (Throwable t) {
            result = TrialResult.failed("the trial runner failed: " + t, tc.lastStep);
        } finally {
            held.ifPresent(h -> h.release().run());
        }
        inbox.add(new Finished(trial.number(), result));
    }

    /**
     * Asks a running trial to end for {@code why}. A trial whose task has not begun is ended here: cancelling a task
     * that never ran would otherwise leave it running forever in the sweep's eyes.
     */
    private void end(Running r, Request why) {
        if (!r.control.ask(why)) {
            return;
        }
        if (r.control.claimed.compareAndSet(false, true)) {
            r.future.cancel(false);
            inbox.add(new Finished(r.trial.number(), TrialResult.stopped(r.trial.lastStep())));
        } else if (why == Request.STOP) {
            r.future.cancel(true); // wakes an in-process objective that sleeps or waits
        }
    }

    private void pauseAll() {
        announceEnding(ExperimentStatus.PAUSING);
        for (Running r : running.values()) {
            end(r, Request.PAUSE_USER);
        }
    }

    /**
     * STOPPING or PAUSING, said when the request is handled and trials are running: said only by the loop, it was
     * skipped when every trial ended before the loop looked again.
     */
    private void announceEnding(ExperimentStatus s) {
        if (!running.isEmpty()) {
            setStatus(s, null);
        }
    }

    // ---- ending ----------------------------------------------------------------------------------------------

    private final List<Trial> concluded = new ArrayList<>();
    private final List<EngineEvent> toPublish = new ArrayList<>();

    private void finish(Finished f) {
        Running r = running.remove(f.number);
        if (r == null) {
            return;
        }
        TrialResult res = f.result;
        Request req = r.control.request.get();
        OptionalDouble last = Double.isNaN(r.control.lastValue) ? OptionalDouble.empty() : OptionalDouble.of(r.control.lastValue);
        long lastStep = Math.max(res.lastStep(), r.control.lastStep);
        Trial t;
        if (res.state() == TrialState.STOPPED && req != Request.NONE && req != Request.STOP && !stopRequested) {
            // interrupted on purpose: what the sweep asked for is what happened
            if (req == Request.PRUNE) {
                t = r.trial.finish(TrialState.PRUNED, last, lastStep, Optional.empty(), Instant.now());
            } else if (req == Request.DONE) {
                t = last.isPresent()
                        ? r.trial.finish(TrialState.COMPLETED, last, lastStep, Optional.empty(), Instant.now())
                        : r.trial.finish(TrialState.STOPPED, last, lastStep, Optional.of("ended by its scheduler"), Instant.now());
            } else {
                t = r.trial.paused(last, lastStep);
                trials.put(t.number(), t);
                concluded.add(t);
                if (req == Request.PAUSE_USER) {
                    pausedByUser.add(t.number());
                    if (paused) {
                        pausedBySweep.add(t.number());
                    }
                    toPublish.add(new EngineEvent.TrialPaused(t, "paused by the user"));
                } else {
                    pausedByScheduler.add(t.number());
                    synchronized (schedulerLock) {
                        scheduler.onEnded(t.number(), TrialState.PAUSED, last, lastStep);
                    }
                    toPublish.add(new EngineEvent.TrialPaused(t, "paused by the scheduler"));
                }
                return;
            }
        } else if (res.state() == TrialState.STOPPED) {
            t = r.trial.finish(TrialState.STOPPED, OptionalDouble.empty(), lastStep,
                    Optional.of(req == Request.STOP && !stopRequested ? "stopped by the user" : "stopped by the user"), Instant.now());
        } else {
            t = r.trial.finish(res.state(), res.value(), lastStep, res.error(), Instant.now());
        }
        concluded(List.of(t));
    }

    /** Trials that reached a final state: recorded, told to the scheduler now and to the optimizer before it is asked. */
    private void concluded(List<Trial> ended) {
        for (Trial t : ended) {
            trials.put(t.number(), t);
            concluded.add(t);
            unobserved.add(t);
            noteBest(t);
            finishedCount.incrementAndGet();
            synchronized (schedulerLock) {
                scheduler.onEnded(t.number(), t.state(), t.value(), t.lastStep());
            }
            toPublish.add(new EngineEvent.TrialFinished(t));
        }
    }

    /**
     * Stores the trials that paused or ended since the last call, then tells the subscribers. The write lands after
     * their metrics, in the same transaction, so a trial recorded as ended has its whole series. The end of a process
     * trial is waited for (a crash right after must not run it again); in-process trials are group-committed with what
     * follows (the history writer commits within ~20 ms), so many short trials cost few commits.
     */
    private void flushConcluded() {
        if (concluded.isEmpty()) {
            return;
        }
        journal.write(new WriteBatch.SweepWrite(experimentId, List.copyOf(concluded), Map.of(), Optional.of(checkpoint())),
                runner.startsProcesses());
        concluded.clear();
        toPublish.forEach(bus::publish);
        toPublish.clear();
    }

    /**
     * At the end: trials the scheduler paused and never resumed are recorded as pruned (their last value stands);
     * trials the user paused are stopped if the sweep was stopped.
     */
    private void finishLeftovers() {
        var ended = new ArrayList<Trial>();
        for (int n : pausedByScheduler) {
            Trial t = trials.get(n);
            ended.add(t.finish(TrialState.PRUNED, t.value(), t.lastStep(), Optional.empty(), Instant.now()));
        }
        pausedByScheduler.clear();
        if (stopRequested) {
            for (int n : pausedByUser) {
                Trial t = trials.get(n);
                ended.add(t.finish(TrialState.STOPPED, OptionalDouble.empty(), t.lastStep(), Optional.of("stopped by the user"), Instant.now()));
            }
            pausedByUser.clear();
            pausedBySweep.clear();
        }
        for (int n : toResume) {
            if (interrupted.remove(n)) {
                Orphans.endRun(logFile(n), CommandRunner.DEFAULT_GRACE); // it may have outlived the engine that died
            }
            Trial t = trials.get(n);
            ended.add(t.finish(TrialState.STOPPED, OptionalDouble.empty(), t.lastStep(), Optional.of("stopped by the user"), Instant.now()));
        }
        toResume.clear();
        concluded(ended);
        flushConcluded();
    }

    private void noteBest(Trial t) {
        if (t.state() == TrialState.COMPLETED && t.value().isPresent()) {
            best.accumulateAndGet(t, (old, nu) -> old == null
                    || direction.better(nu.value().getAsDouble(), old.value().getAsDouble()) ? nu : old);
        }
    }

    private void observePending() {
        if (unobserved.isEmpty()) {
            return;
        }
        unobserved.sort(Comparator.comparingInt(Trial::number));
        for (Trial t : unobserved) {
            optimizer.observe(observation(t));
            observed.add(t.number());
        }
        unobserved.clear();
    }

    /**
     * A final trial as the optimizer sees it. Failed and stopped trials are told too, without a value: they say
     * nothing about the configuration, but an optimizer that tracks pending suggestions must learn they ended.
     */
    static Observation observation(Trial t) {
        OptionalDouble v = t.state() == TrialState.FAILED || t.state() == TrialState.STOPPED ? OptionalDouble.empty() : t.value();
        Observation o = new Observation(t.number(), t.params(), t.state(), v);
        if (t.finishedAt().isPresent()) {
            o = o.withCost(Math.max(0, Duration.between(t.startedAt(), t.finishedAt().get()).toNanos() / 1e9));
        }
        return o;
    }

    private final class Context implements TrialContext {
        private final Trial trial;
        private final TrialControl control;
        private final Optional<Path> resumeFrom;
        private final Resources held;
        private final AtomicBoolean pickUp;

        Context(Trial trial, TrialControl control, Optional<Path> resumeFrom, Resources held, boolean pickUp) {
            this.trial = trial;
            this.control = control;
            this.resumeFrom = resumeFrom;
            this.held = held;
            this.pickUp = new AtomicBoolean(pickUp);
        }

        @Override
        public long experimentId() {
            return experimentId;
        }

        @Override
        public int number() {
            return trial.number();
        }

        @Override
        public Map<String, Object> params() {
            return trial.params();
        }

        @Override
        public void report(long step, Map<String, Double> values) {
            if (step < 0) {
                throw new IllegalArgumentException("step must be >= 0, got " + step);
            }
            for (var e : values.entrySet()) {
                String tooLong = Columns.tooLong(e.getKey(), Columns.NAME);
                if (e.getKey().isEmpty() || tooLong != null) {
                    // refused here, not by the history writer, whose batch holds every trial's metrics
                    throw new IllegalArgumentException("metric name '" + Columns.preview(e.getKey()) + "' "
                            + (tooLong == null ? "is empty" : tooLong));
                }
                if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                    throw new IllegalArgumentException("metric '" + e.getKey() + "' at step " + step + " is " + e.getValue()
                            + ", not a finite number");
                }
            }
            // a restarted trial's first report, or a step before one already reported (a retried attempt starting
            // over): what was reported from that step on is superseded
            if (control.rewind || step < control.maxReported) {
                control.rewind = false;
                bus.publish(new EngineEvent.TrialRewound(experimentId, trial.number(), step));
            }
            control.maxReported = step;
            bus.publish(new EngineEvent.TrialMetrics(experimentId, trial.number(), step, Map.copyOf(values),
                    System.currentTimeMillis()));
            Double v = values.get(metric);
            if (v == null) {
                return;
            }
            control.lastValue = v;
            control.lastStep = Math.max(control.lastStep, step);
            if (control.stop()) {
                return; // already asked to end: the scheduler has decided
            }
            Decision d;
            synchronized (schedulerLock) {
                d = scheduler.onReport(trial.number(), step, v);
            }
            if (d.kind() == Decision.Kind.CONTINUE) {
                return;
            }
            Request r = d.kind() == Decision.Kind.PAUSE ? Request.PAUSE_SCHEDULER : d.done() ? Request.DONE : Request.PRUNE;
            if (control.ask(r)) {
                bus.publish(new EngineEvent.SchedulerDecision(experimentId, trial.number(), step,
                        d.kind() == Decision.Kind.STOP ? "stop" : "pause", d.reason(), d.details()));
            }
        }

        @Override
        public boolean stopRequested() {
            return stopRequested || control.stop();
        }

        @Override
        public Path logFile() {
            return Sweep.this.logFile(trial.number());
        }

        @Override
        public boolean pickUpEarlierRun() {
            return pickUp.getAndSet(false);
        }

        @Override
        public void newRun() {
            control.rewind = true;
        }

        /** Created on first use: most in-process trials never checkpoint. */
        @Override
        public Path checkpointDir() {
            Path dir = trialCheckpoint(trial.number());
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot create checkpoint folder " + dir + ": " + e.getMessage(), e);
            }
            return dir;
        }

        @Override
        public Optional<Path> resumeFrom() {
            return resumeFrom;
        }

        @Override
        public Resources resources() {
            return held;
        }

        @Override
        public OptionalDouble previousValue() {
            return resumeFrom.isPresent() ? trial.value() : OptionalDouble.empty();
        }

        @Override
        public long previousStep() {
            return previousValue().isPresent() ? trial.lastStep() : -1;
        }

        @Override
        public void processStarted(ProcessHandle process) {
            Instant at = process.info().startInstant().orElse(Instant.now());
            store.recordProcess(experimentId, trial.number(), process.pid(), at);
        }
    }
}
