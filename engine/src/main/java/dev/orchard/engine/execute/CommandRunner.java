package dev.orchard.engine.execute;

import dev.orchard.engine.json.Json;
import dev.orchard.engine.trial.TrialResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Runs a trial as a subprocess: parameters substituted into the command, the trial's environment set
 * ({@code ORCHARD_TRIAL_ID}, {@code ORCHARD_EXPERIMENT_ID}, {@code ORCHARD_PARAMS}, {@code ORCHARD_CHECKPOINT_DIR},
 * {@code ORCHARD_RESUME_FROM}, {@code ORCHARD_RUN_ID}, {@code CUDA_VISIBLE_DEVICES}). The trial writes its output
 * straight into its log file; the engine reads it as it grows ({@link TrialOutput}) and turns {@code @orchard {json}}
 * lines into metrics, and a run record beside the log ({@link RunRecord}) lets a later engine pick the run up.
 * <p>
 * The trial leads its own session and process group ({@link ProcessTree}): a stop, a timeout, or the end of the main
 * process ends the whole group and every process carrying the run's id (SIGTERM, then SIGKILL after the grace
 * period), so no child it left behind keeps a GPU.
 */
public final class CommandRunner implements TrialRunner {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
    public static final long DEFAULT_LOG_LIMIT = 50L << 20;
    public static final int DEFAULT_MAX_LINE = 64 << 10;

    private final List<String> command;
    private final Path workdir;
    private final String metric;
    private final Optional<Duration> timeout;
    private final Map<String, String> env;
    private final Duration grace;
    private final long logLimitBytes;
    private final int maxLineBytes;

    /** A runner with the default log limits; see {@link #builder} for all settings. */
    public CommandRunner(List<String> command, Path workdir, String metric, Optional<Duration> timeout,
                         Map<String, String> env, Duration grace) {
        this(builder(command).workdir(workdir).metric(metric).timeout(timeout).env(env).grace(grace));
    }

    /**
     * @deprecated the checkpoint directory is the context's ({@link TrialContext#checkpointDir()}); {@code checkpointRoot}
     * is ignored.
     */
    @Deprecated
    public CommandRunner(List<String> command, Path workdir, String metric, Optional<Duration> timeout,
                         Map<String, String> env, Path checkpointRoot, Duration grace) {
        this(command, workdir, metric, timeout, env, grace);
    }

    private CommandRunner(Builder b) {
        if (b.command.isEmpty()) {
            throw new IllegalArgumentException("a command trial needs a command");
        }
        this.command = b.command;
        this.workdir = b.workdir;
        this.metric = b.metric;
        this.timeout = b.timeout;
        this.env = b.env;
        this.grace = b.grace;
        this.logLimitBytes = b.logLimitBytes;
        this.maxLineBytes = b.maxLineBytes;
    }

    public static Builder builder(List<String> command) {
        return new Builder(command);
    }

    /** Settings of a {@link CommandRunner}; everything but the command has a default. */
    public static final class Builder {
        private final List<String> command;
        private Path workdir = Path.of(".");
        private String metric = "value";
        private Optional<Duration> timeout = Optional.empty();
        private Map<String, String> env = Map.of();
        private Duration grace = DEFAULT_GRACE;
        private long logLimitBytes = DEFAULT_LOG_LIMIT;
        private int maxLineBytes = DEFAULT_MAX_LINE;

        private Builder(List<String> command) {
            this.command = List.copyOf(command);
        }

        public Builder workdir(Path workdir) {
            this.workdir = Objects.requireNonNull(workdir);
            return this;
        }

        /** The metric whose last reported value is the trial's value. */
        public Builder metric(String metric) {
            this.metric = Objects.requireNonNull(metric);
            return this;
        }

        public Builder timeout(Optional<Duration> timeout) {
            timeout.ifPresent(t -> {
                if (t.isNegative()) {
                    throw new IllegalArgumentException("timeout must not be negative, got " + t);
                }
            });
            this.timeout = timeout;
            return this;
        }

        public Builder timeout(Duration timeout) {
            return timeout(Optional.of(timeout));
        }

        /** Extra environment variables; the {@code ORCHARD_*} ones and {@code CUDA_VISIBLE_DEVICES} take precedence. */
        public Builder env(Map<String, String> env) {
            this.env = Map.copyOf(env);
            return this;
        }

        /** How long a trial may take to end after SIGTERM before it gets SIGKILL. */
        public Builder grace(Duration grace) {
            if (grace.isNegative()) {
                throw new IllegalArgumentException("grace period must not be negative, got " + grace);
            }
            this.grace = grace;
            return this;
        }

        /** Bytes of output kept in the log file per run (default 50 MiB); the rest is counted, not kept. */
        public Builder logLimitBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("log limit must be >= 0 bytes, got " + bytes);
            }
            this.logLimitBytes = bytes;
            return this;
        }

        /** The longest line read whole (default 64 KiB); a longer one is cut (an {@code @orchard} one is malformed). */
        public Builder maxLineBytes(int bytes) {
            if (bytes < 256) {
                throw new IllegalArgumentException("max line length must be >= 256 bytes, got " + bytes);
            }
            this.maxLineBytes = bytes;
            return this;
        }

        public CommandRunner build() {
            return new CommandRunner(this);
        }
    }

    /** Why the runner ended the process group, if it did. */
    private enum Ending { STOP, TIMEOUT, EXITED }

    /** The value a restarted trial reported before its restart, kept when the restart has nothing left to report. */
    private record Previous(OptionalDouble value, long step) {
        static final Previous NONE = new Previous(OptionalDouble.empty(), -1);
    }

    /** What picking up an earlier run gave: its result, or what to restart with. */
    private record PickedUp(Optional<TrialResult> result, Previous previous) {
    }

    @Override
    public boolean startsProcesses() {
        return true;
    }

    @Override
    public TrialResult run(TrialContext ctx) {
        var values = new HashMap<String, Object>(ctx.params());
        values.put("trial", ctx.number());
        values.put("experiment", ctx.experimentId());
        List<String> argv;
        try {
            argv = CommandLine.substituteAll(command, values);
        } catch (IllegalArgumentException e) {
            return TrialResult.failed("command: " + e.getMessage(), -1);
        }
        Path log = ctx.logFile().toAbsolutePath();
        try {
            Files.createDirectories(ctx.checkpointDir().toAbsolutePath());
            Files.createDirectories(log.getParent());
        } catch (IOException e) {
            return TrialResult.failed("cannot create the trial's directories: " + e, -1);
        }
        Previous previous = new Previous(ctx.previousValue(), ctx.previousStep());
        if (ctx.pickUpEarlierRun()) {
            PickedUp p;
            try {
                p = pickUp(ctx, log, previous);
            } catch (IOException e) {
                return TrialResult.failed("cannot read back the trial's earlier run from " + log + ": " + e.getMessage(), -1);
            }
            if (p.result().isPresent()) {
                return p.result().get();
            }
            previous = p.previous();
            ctx.newRun();
        }
        return start(ctx, argv, log, previous);
    }

    /**
     * A trial that was running when an earlier engine died: its run record says where its output begins and which
     * process runs it. Still running → watched to its end as if never left; ended on its own → its output and exit
     * status read back; killed (or asked by the dead engine to stop) → its output read back, then restarted from its
     * checkpoint. Either way every report it made is read from its log, so the stored series is what it reported.
     */
    private PickedUp pickUp(TrialContext ctx, Path log, Previous previous) throws IOException {
        Optional<RunRecord> found = RunRecord.read(log);
        if (found.isEmpty()) {
            return new PickedUp(Optional.empty(), previous); // nothing recorded: a restart, as before
        }
        RunRecord rec = found.get();
        Optional<ProcessHandle> alive = rec.leader();
        // read before anything is ended here: a status written after that would be this engine's doing
        OptionalInt code = rec.exitCode(log);
        if (alive.isPresent() && !rec.stopRequested()) {
            LOG.info("trial {}: its process {} outlived the engine; watching it again", ctx.number(), alive.get().pid());
            TrialOutput out = new TrialOutput(log, rec.offset(), logLimitBytes, maxLineBytes, metric, ctx);
            return new PickedUp(Optional.of(supervise(ctx, new Adopted(alive.get(), rec, log), out, rec, log, previous)), previous);
        }
        rec.end(grace); // asked by the dead engine to end, or children that outlived it
        TrialOutput out = new TrialOutput(log, rec.offset(), logLimitBytes, maxLineBytes, metric, ctx);
        try {
            out.finish();
        } finally {
            out.close();
        }
        if (ctx.stopRequested()) {
            return new PickedUp(Optional.of(TrialResult.stopped(out.step())), previous); // decided on what was read back
        }
        if (code.isPresent() && !rec.stopRequested()) {
            LOG.info("trial {}: it ended with exit code {} while no engine ran; its output was read back", ctx.number(), code.getAsInt());
            return new PickedUp(Optional.of(result(ctx, code, Ending.EXITED, out, previous)), previous);
        }
        LOG.info("trial {}: its run ended with the engine; restarting it from its checkpoint", ctx.number());
        Double last = out.lastMetric();
        return new PickedUp(Optional.empty(), last != null && Double.isFinite(last)
                ? new Previous(OptionalDouble.of(last), out.lastMetricStep()) : previous);
    }

    /**
     * Starts a run: the trial's output goes straight to its log file (appended), through a small shell wrapper that
     * writes the exit status beside it; the engine reads the log as it grows. No pipe joins the trial to the engine,
     * so an engine that dies loses nothing the trial reports, and no child holding an output open can keep it waiting.
     */
    private TrialResult start(TrialContext ctx, List<String> argv, Path log, Previous previous) {
        String runId = UUID.randomUUID().toString();
        ProcessBuilder pb = new ProcessBuilder(ProcessTree.inOwnSession(wrapped(argv, RunRecord.exitFileFor(log))))
                .directory(workdir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))); // a trial reads no input: EOF, not a hang
        Map<String, String> e = pb.environment();
        e.putAll(env);
        e.put("ORCHARD_TRIAL_ID", String.valueOf(ctx.number()));
        e.put("ORCHARD_EXPERIMENT_ID", String.valueOf(ctx.experimentId()));
        e.put("ORCHARD_PARAMS", Json.write(ctx.params()));
        e.put("ORCHARD_CHECKPOINT_DIR", ctx.checkpointDir().toAbsolutePath().toString());
        e.put("ORCHARD_RESUME_FROM", ctx.resumeFrom().map(p -> p.toAbsolutePath().toString()).orElse(""));
        e.put(ProcessTree.RUN_ID, runId);
        // always set: empty hides every GPU, so a CPU trial cannot take one it was not given
        e.put("CUDA_VISIBLE_DEVICES", ctx.resources().cudaVisibleDevices());
        e.put("PYTHONUNBUFFERED", "1");
        Optional<String> unusable = checkExecutable(argv.get(0), e.get("PATH"));
        if (unusable.isPresent()) {
            return TrialResult.failed("cannot start " + argv.get(0) + " in " + workdir + ": " + unusable.get(), -1);
        }
        RunRecord rec;
        TrialOutput out;
        try {
            Files.deleteIfExists(RunRecord.exitFileFor(log));
            if (!Files.exists(log)) {
                Files.createFile(log);
            }
            rec = new RunRecord(runId, Files.size(log), System.currentTimeMillis(), ctx.resources().gpus(), Optional.empty(),
                    Optional.empty(), false);
            rec.write(log); // before the start: a crash right after it still finds the run by its id
            out = new TrialOutput(log, rec.offset(), logLimitBytes, maxLineBytes, metric, ctx);
        } catch (IOException ex) {
            return TrialResult.failed("cannot prepare the trial log " + log + ": " + ex, -1);
        }
        Process process;
        try {
            process = pb.start();
        } catch (IOException ex) {
            out.close();
            return TrialResult.failed("cannot start " + argv.get(0) + " in " + workdir + ": " + ex.getMessage(), -1);
        }
        ProcessHandle handle = process.toHandle();
        rec = rec.started(handle.pid(), handle.info().startInstant().orElse(Instant.now()));
        try {
            rec.write(log);
        } catch (IOException ex) {
            LOG.warn("trial {}: cannot update its run record: {}", ctx.number(), ex.getMessage());
        }
        try {
            ctx.processStarted(handle);
        } catch (RuntimeException ex) {
            LOG.warn("trial {}: recording its process {} failed", ctx.number(), handle.pid(), ex);
        }
        return supervise(ctx, new Child(process), out, rec, log, previous);
    }

    /** {@code sh -c WRAPPER EXIT_FILE argv...}: runs the trial, then writes "RUN_ID CODE" to the exit file. */
    static List<String> wrapped(List<String> argv, Path exitFile) {
        var out = new ArrayList<String>(argv.size() + 4);
        out.addAll(List.of("/bin/sh", "-c", WRAPPER, exitFile.toString()));
        out.addAll(argv);
        return out;
    }

    /**
     * The wrapper outlives a SIGTERM to its group (the trap defers it until the trial has ended, and a trapped signal
     * is reset to its default in the trial) so the status is written after a graceful stop too; SIGKILL ends it with
     * the trial, and then no status is written: the run was killed. The wrapper's own stderr goes nowhere, so the
     * shell's "Killed" or "Terminated" does not land in the trial's log; the trial (exec'd in a subshell, where the
     * trap is reset) writes both its streams to the log.
     */
    private static final String WRAPPER = "trap : TERM INT; exec 2>/dev/null; (exec 2>&1; exec \"$@\"); code=$?; "
            + "printf '%s %s\\n' \"$" + ProcessTree.RUN_ID + "\" \"$code\" > \"$0\"; exit $code";

    /** The process a run is watched through: a child of this engine, or one adopted from an engine that died. */
    private interface Watched {
        ProcessHandle handle();

        /** Waits up to {@code ms} for the run's wrapper to exit; true once it has. */
        boolean awaitExit(long ms) throws InterruptedException;

        /** The exit status once it exited; empty when it was killed before it could write one. */
        OptionalInt exitCode();
    }

    private record Child(Process process) implements Watched {
        @Override
        public ProcessHandle handle() {
            return process.toHandle();
        }

        @Override
        public boolean awaitExit(long ms) throws InterruptedException {
            return process.waitFor(ms, TimeUnit.MILLISECONDS);
        }

        @Override
        public OptionalInt exitCode() {
            return OptionalInt.of(process.exitValue());
        }
    }

    private record Adopted(ProcessHandle handle, RunRecord rec, Path log) implements Watched {
        @Override
        public boolean awaitExit(long ms) throws InterruptedException {
            if (ms > 0 && ProcessTree.running(handle)) {
                Thread.sleep(ms);
            }
            return !ProcessTree.running(handle);
        }

        @Override
        public OptionalInt exitCode() {
            return rec.exitCode(log);
        }
    }

    private static final long MIN_POLL_MS = 5;
    private static final long MAX_POLL_MS = 50;

    /**
     * Reads the run's output until its wrapper exits, ending it on a stop or at its deadline (counted from the run's
     * start, also for a run picked up from a dead engine), then ends whatever it left running.
     */
    private TrialResult supervise(TrialContext ctx, Watched run, TrialOutput out, RunRecord rec, Path log, Previous previous) {
        ProcessHandle handle = run.handle();
        long deadline = timeout.map(t -> rec.startedAt() + t.toMillis()).orElse(Long.MAX_VALUE);
        Ending ending = null;
        Thread stopper = null;
        try {
            long wait = MIN_POLL_MS;
            while (true) {
                boolean read = out.poll();
                if (ending == null) {
                    ending = ctx.stopRequested() ? Ending.STOP : System.currentTimeMillis() > deadline ? Ending.TIMEOUT : null;
                    if (ending != null) {
                        stopper = endInBackground(ctx, handle, rec, log, ending);
                    }
                }
                if (run.awaitExit(read ? 0 : wait)) {
                    break;
                }
                wait = read ? MIN_POLL_MS : Math.min(MAX_POLL_MS, wait * 2);
            }
            if (stopper != null) {
                stopper.join();
            }
            // children that outlived it, in its group or escaped from it, are ended too
            ProcessTree.terminate(handle, grace, rec.runId());
            out.finish();
            return result(ctx, run.exitCode(), ending, out, previous);
        } catch (IOException e) {
            ProcessTree.terminate(handle, Duration.ZERO, rec.runId());
            return TrialResult.failed("trial output: " + e.getMessage(), out.step());
        } catch (InterruptedException e) {
            markStopping(rec, log);
            ProcessTree.terminate(handle, grace, rec.runId());
            try {
                out.finish();
            } catch (IOException ignored) {
                // stopped either way
            }
            Thread.currentThread().interrupt();
            return TrialResult.stopped(out.step());
        } catch (RuntimeException | Error e) {
            ProcessTree.terminate(handle, Duration.ZERO, rec.runId()); // e.g. the context's report failed: no process may be left
            throw e;
        } finally {
            out.close();
        }
    }

    private Thread endInBackground(TrialContext ctx, ProcessHandle handle, RunRecord rec, Path log, Ending why) {
        if (why == Ending.STOP) {
            markStopping(rec, log);
        }
        Thread t = new Thread(() -> ProcessTree.terminate(handle, grace, rec.runId()), "orchard-stop-trial-" + ctx.number());
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Noted before the signal: an engine that picks the run up after a crash then knows it did not end on its own. */
    private void markStopping(RunRecord rec, Path log) {
        try {
            rec.stopping().write(log);
        } catch (IOException e) {
            LOG.warn("cannot note the stop in the run record of {}: {}", log, e.getMessage());
        }
    }

    private TrialResult result(TrialContext ctx, OptionalInt exit, Ending ending, TrialOutput out, Previous previous) {
        long step = out.step();
        String tail = out.tail().isEmpty() ? "" : "; last output:\n" + String.join("\n", out.tail());
        if (ending == Ending.STOP || ctx.stopRequested()) {
            return TrialResult.stopped(step);
        }
        if (ending == Ending.TIMEOUT) {
            return TrialResult.failed("timed out after " + seconds(timeout.orElseThrow()) + " s" + tail, step);
        }
        if (exit.isEmpty()) {
            return TrialResult.failed("its process ended without an exit status (killed by SIGKILL, "
                    + "often the out-of-memory killer)" + tail, step);
        }
        int code = exit.getAsInt();
        if (code != 0) {
            return TrialResult.failed("exit code " + code + signal(code).map(s -> " (" + s + ")").orElse("") + tail, step);
        }
        Double last = out.lastMetric();
        if (last == null && previous.value().isPresent()) {
            // a restarted trial that had nothing left to do: its value is what it reported before the restart
            return TrialResult.completed(previous.value().getAsDouble(), Math.max(step, previous.step()));
        }
        if (last == null) {
            return TrialResult.failed("the command never reported metric '" + metric
                    + "' (print a line like: @orchard {\"step\": 1, \"" + metric + "\": 0.5})" + tail, step);
        }
        if (!Double.isFinite(last)) {
            return TrialResult.failed("metric '" + metric + "' was " + last + " at step " + out.lastMetricStep(), step);
        }
        return TrialResult.completed(last, step);
    }

    private static final String[] SIGNALS = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
            "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"};

    /** The signal that ended a process, from its exit code as Java reports it (128 + signal number). */
    static Optional<String> signal(int exitCode) {
        int sig = exitCode - 128;
        if (sig <= 0 || sig > 64) {
            return Optional.empty();
        }
        String name = sig < SIGNALS.length ? SIGNALS[sig] : "signal " + sig;
        return Optional.of(sig == 9 ? name + ", often the out-of-memory killer" : name);
    }

    /**
     * Why {@code program} cannot be executed, looked up the way the child will look it up (its PATH); checked before
     * starting because {@code setsid} would only report it as its own exit code.
     */
    private Optional<String> checkExecutable(String program, String path) {
        if (program.contains(File.separator)) {
            Path p = workdir.resolve(program);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.empty()
                    : Optional.of(Files.exists(p) ? "not an executable file" : "no such file");
        }
        for (String d : (path == null ? "" : path).split(File.pathSeparator)) {
            Path p = workdir.resolve(d).resolve(program); // relative entries are relative to the trial's directory
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.empty();
            }
        }
        return Optional.of("not found on the PATH (" + path + ")");
    }

    static String seconds(Duration d) {
        double s = d.toMillis() / 1000.0;
        return s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s);
    }
}
