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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a trial as a subprocess: parameters substituted into the command, the trial's environment set
 * ({@code ORCHARD_TRIAL_ID}, {@code ORCHARD_EXPERIMENT_ID}, {@code ORCHARD_PARAMS}, {@code ORCHARD_CHECKPOINT_DIR},
 * {@code ORCHARD_RESUME_FROM}, {@code CUDA_VISIBLE_DEVICES}), its output kept in the trial's log file (bounded, see
 * {@link TrialOutput}) and {@code @orchard {json}} lines turned into metrics.
 * <p>
 * The trial leads its own session and process group ({@link ProcessTree}): a stop, a timeout, or the end of the main
 * process ends the whole group (SIGTERM, then SIGKILL after the grace period), so no child it left behind keeps a GPU.
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
        Path checkpointDir = ctx.checkpointDir().toAbsolutePath();
        try {
            Files.createDirectories(checkpointDir);
            Files.createDirectories(ctx.logFile().toAbsolutePath().getParent());
        } catch (IOException e) {
            return TrialResult.failed("cannot create the trial's directories: " + e, -1);
        }
        ProcessBuilder pb = new ProcessBuilder(ProcessTree.inOwnSession(argv)).directory(workdir.toFile())
                .redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        e.putAll(env);
        e.put("ORCHARD_TRIAL_ID", String.valueOf(ctx.number()));
        e.put("ORCHARD_EXPERIMENT_ID", String.valueOf(ctx.experimentId()));
        e.put("ORCHARD_PARAMS", Json.write(ctx.params()));
        e.put("ORCHARD_CHECKPOINT_DIR", checkpointDir.toString());
        e.put("ORCHARD_RESUME_FROM", ctx.resumeFrom().map(p -> p.toAbsolutePath().toString()).orElse(""));
        // always set: empty hides every GPU, so a CPU trial cannot take one it was not given
        e.put("CUDA_VISIBLE_DEVICES", ctx.resources().cudaVisibleDevices());
        e.put("PYTHONUNBUFFERED", "1");
        Optional<String> unusable = checkExecutable(argv.get(0), e.get("PATH"));
        if (unusable.isPresent()) {
            return TrialResult.failed("cannot start " + argv.get(0) + " in " + workdir + ": " + unusable.get(), -1);
        }
        TrialOutput output;
        try {
            output = new TrialOutput(ctx.logFile(), logLimitBytes, maxLineBytes, metric, ctx);
        } catch (IOException ex) {
            return TrialResult.failed("cannot open the trial log " + ctx.logFile() + ": " + ex, -1);
        }
        Process process;
        try {
            process = pb.start();
        } catch (IOException ex) {
            output.close();
            return TrialResult.failed("cannot start " + argv.get(0) + " in " + workdir + ": " + ex.getMessage(), -1);
        }
        try {
            return supervise(ctx, process, output);
        } finally {
            output.close();
        }
    }

    private TrialResult supervise(TrialContext ctx, Process process, TrialOutput output) {
        ProcessHandle handle = process.toHandle();
        try {
            ctx.processStarted(handle);
        } catch (RuntimeException e) {
            LOG.warn("trial {}: recording its process {} failed", ctx.number(), handle.pid(), e);
        }
        try {
            process.getOutputStream().close(); // a trial reads no input: EOF rather than a hang
        } catch (IOException ignored) {
            // nothing to do
        }
        var ending = new AtomicReference<Ending>();
        var stopper = new AtomicReference<Thread>();
        Runnable endGroup = () -> {
            Thread t = new Thread(() -> ProcessTree.terminate(handle, grace), "orchard-stop-trial-" + ctx.number());
            t.setDaemon(true);
            stopper.set(t);
            t.start();
        };
        long deadline = timeout.map(t -> System.nanoTime() + t.toNanos()).orElse(Long.MAX_VALUE);
        ScheduledFuture<?> watch = Timers.every(Duration.ofMillis(50), () -> {
            if (ending.get() != null) {
                return;
            }
            Ending why = ctx.stopRequested() ? Ending.STOP
                    : System.nanoTime() > deadline ? Ending.TIMEOUT
                    : !process.isAlive() ? Ending.EXITED // children that outlive it may hold its output open
                    : null;
            if (why != null && ending.compareAndSet(null, why)) {
                endGroup.run();
            }
        });

        try {
            output.consume(process.getInputStream());
            int code = process.waitFor();
            watch.cancel(false);
            ending.compareAndSet(null, Ending.EXITED); // a late watchdog tick must not call a finished trial timed out
            Thread t = stopper.get();
            if (t != null) {
                t.join();
            }
            // a child that closed its output and outlived the trial is ended too
            ProcessTree.terminate(handle, grace);
            return result(ctx, code, ending.get(), output);
        } catch (IOException e) {
            ProcessTree.terminate(handle, Duration.ZERO);
            return TrialResult.failed("trial output: " + e.getMessage(), output.step());
        } catch (InterruptedException e) {
            ProcessTree.terminate(handle, grace);
            Thread.currentThread().interrupt();
            return TrialResult.stopped(output.step());
        } catch (RuntimeException | Error e) {
            ProcessTree.terminate(handle, Duration.ZERO); // e.g. the context's report failed: no process may be left
            throw e;
        } finally {
            watch.cancel(false);
        }
    }

    private TrialResult result(TrialContext ctx, int code, Ending ending, TrialOutput out) {
        long step = out.step();
        String tail = out.tail().isEmpty() ? "" : "; last output:\n" + String.join("\n", out.tail());
        if (ending == Ending.STOP || ctx.stopRequested()) {
            return TrialResult.stopped(step);
        }
        if (ending == Ending.TIMEOUT) {
            return TrialResult.failed("timed out after " + seconds(timeout.orElseThrow()) + " s" + tail, step);
        }
        if (code != 0) {
            return TrialResult.failed("exit code " + code + signal(code).map(s -> " (" + s + ")").orElse("") + tail, step);
        }
        Double last = out.lastMetric();
        if (last == null && ctx.previousValue().isPresent()) {
            // a restarted trial that had nothing left to do: its value is what it reported before the restart
            return TrialResult.completed(ctx.previousValue().getAsDouble(), Math.max(step, ctx.previousStep()));
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
