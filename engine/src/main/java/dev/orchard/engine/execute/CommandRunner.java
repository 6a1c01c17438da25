package dev.orchard.engine.execute;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.trial.TrialResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a trial as a subprocess: parameters substituted into the command, the trial's environment set
 * ({@code ORCHARD_TRIAL_ID}, {@code ORCHARD_EXPERIMENT_ID}, {@code ORCHARD_PARAMS}, {@code ORCHARD_CHECKPOINT_DIR},
 * {@code ORCHARD_RESUME_FROM}), every output line kept in the trial's log file, and {@code @orchard {json}} lines turned
 * into metrics. A stop or a timeout ends the whole process tree: SIGTERM, then SIGKILL after a grace period.
 */
public final class CommandRunner implements TrialRunner {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);
    private static final String PREFIX = "@orchard";
    private static final int TAIL_LINES = 15;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "orchard-process-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final List<String> command;
    private final Path workdir;
    private final String metric;
    private final Optional<Duration> timeout;
    private final Map<String, String> env;
    private final Path checkpointRoot;
    private final Duration grace;

    public CommandRunner(List<String> command, Path workdir, String metric, Optional<Duration> timeout,
                         Map<String, String> env, Path checkpointRoot, Duration grace) {
        this.command = List.copyOf(command);
        this.workdir = workdir;
        this.metric = metric;
        this.timeout = timeout;
        this.env = Map.copyOf(env);
        this.checkpointRoot = checkpointRoot;
        this.grace = grace;
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
        Path checkpointDir = ctx.checkpointDir();
        Process process;
        try {
            Files.createDirectories(checkpointDir);
            Files.createDirectories(ctx.logFile().getParent());
            ProcessBuilder pb = new ProcessBuilder(argv).directory(workdir.toFile()).redirectErrorStream(true);
            Map<String, String> e = pb.environment();
            e.putAll(env);
            e.put("ORCHARD_TRIAL_ID", String.valueOf(ctx.number()));
            e.put("ORCHARD_EXPERIMENT_ID", String.valueOf(ctx.experimentId()));
            e.put("ORCHARD_PARAMS", Json.write(ctx.params()));
            e.put("ORCHARD_CHECKPOINT_DIR", checkpointDir.toString());
            e.put("ORCHARD_RESUME_FROM", ctx.resumeFrom().map(Path::toString).orElse(""));
            e.put("PYTHONUNBUFFERED", "1");
            process = pb.start();
            ctx.processStarted(process.toHandle());
        } catch (IOException e) {
            return TrialResult.failed("cannot start " + argv.get(0) + " in " + workdir + ": " + e.getMessage(), -1);
        }
        try {
            process.getOutputStream().close(); // a trial reads no input: EOF rather than a hang
        } catch (IOException ignored) {
            // nothing to do
        }
        // set by the watchdog thread, read by this one: needs a memory barrier, not a plain array slot
        var timedOut = new java.util.concurrent.atomic.AtomicBoolean();
        long deadline = timeout.map(t -> System.nanoTime() + t.toNanos()).orElse(Long.MAX_VALUE);
        ScheduledFuture<?> watch = WATCHDOG.scheduleWithFixedDelay(() -> {
            if (!process.isAlive()) {
                return;
            }
            if (System.nanoTime() > deadline && timedOut.compareAndSet(false, true)) {
                terminateTree(process, grace);
            } else if (ctx.stopRequested()) {
                terminateTree(process, grace);
            }
        }, 50, 50, TimeUnit.MILLISECONDS);

        var tail = new ArrayDeque<String>(TAIL_LINES);
        long step = -1;
        Double last = null;
        long lastMetricStep = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             BufferedWriter log = Files.newBufferedWriter(ctx.logFile(), StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                log.write(line);
                log.newLine();
                if (line.startsWith(PREFIX + " ") || line.startsWith(PREFIX + "{") || line.equals(PREFIX)) {
                    try {
                        Report r = parseReport(line.substring(PREFIX.length()), step);
                        step = r.step;
                        if (!r.values.isEmpty()) {
                            ctx.report(step, r.values);
                        }
                        if (r.values.containsKey(metric) || r.nonFinite.containsKey(metric)) {
                            last = r.values.containsKey(metric) ? r.values.get(metric) : r.nonFinite.get(metric);
                            lastMetricStep = step;
                        }
                        if (!r.nonFinite.isEmpty()) {
                            log.write("[orchard] not stored (not finite): " + r.nonFinite);
                            log.newLine();
                        }
                    } catch (IllegalArgumentException bad) {
                        log.write("[orchard] ignored malformed report line: " + bad.getMessage());
                        log.newLine();
                    }
                } else {
                    if (tail.size() == TAIL_LINES) {
                        tail.removeFirst();
                    }
                    tail.addLast(line.length() > 500 ? line.substring(0, 500) + "…" : line);
                }
            }
            int code = process.waitFor();
            log.flush();
            if (ctx.stopRequested()) {
                return TrialResult.stopped(step);
            }
            if (timedOut.get()) {
                return TrialResult.failed("timed out after " + seconds(timeout.get()) + " s" + tailText(tail), step);
            }
            if (code != 0) {
                return TrialResult.failed("exit code " + code + tailText(tail), step);
            }
            if (last == null) {
                return TrialResult.failed("the command never reported metric '" + metric
                        + "' (print a line like: @orchard {\"step\": 1, \"" + metric + "\": 0.5})" + tailText(tail), step);
            }
            if (!Double.isFinite(last)) {
                return TrialResult.failed("metric '" + metric + "' was " + last + " at step " + lastMetricStep, step);
            }
            return TrialResult.completed(last, step);
        } catch (IOException e) {
            terminateTree(process, Duration.ZERO);
            return TrialResult.failed("trial output: " + e.getMessage(), step);
        } catch (InterruptedException e) {
            terminateTree(process, Duration.ZERO);
            Thread.currentThread().interrupt();
            return TrialResult.stopped(step);
        } finally {
            watch.cancel(false);
            if (process.isAlive()) {
                terminateTree(process, Duration.ZERO);
            }
        }
    }

    private static String seconds(Duration d) {
        double s = d.toMillis() / 1000.0;
        return s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s);
    }

    private static String tailText(ArrayDeque<String> tail) {
        return tail.isEmpty() ? "" : "; last output:\n" + String.join("\n", tail);
    }

    /** One parsed {@code @orchard} line: its step and numeric values (non-finite ones apart). */
    record Report(long step, Map<String, Double> values, Map<String, Double> nonFinite) {
    }

    /** Parses the JSON after the prefix; {@code step} defaults to the previous step + 1. */
    static Report parseReport(String json, long previousStep) {
        JsonNode n;
        try {
            n = Json.WIRE.readTree(json.trim());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("expected a JSON object after @orchard, got: " + json.trim());
        }
        long step = previousStep + 1;
        JsonNode s = n.get("step");
        if (s != null) {
            if (!s.isIntegralNumber() || s.asLong() < 0) {
                throw new IllegalArgumentException("\"step\" must be a non-negative integer, got " + s);
            }
            step = s.asLong();
        }
        var values = new LinkedHashMap<String, Double>();
        var nonFinite = new LinkedHashMap<String, Double>();
        var fields = n.fields();
        while (fields.hasNext()) {
            var f = fields.next();
            if (f.getKey().equals("step") || !f.getValue().isNumber()) {
                continue;
            }
            double v = f.getValue().asDouble();
            (Double.isFinite(v) ? values : nonFinite).put(f.getKey(), v);
        }
        return new Report(step, values, nonFinite);
    }

    /** SIGTERM to the process and all its descendants, then SIGKILL to whatever still lives after {@code grace}. */
    public static void terminateTree(Process process, Duration grace) {
        // Signals go through the ProcessHandle: Process.destroy() on Unix also closes our end of the trial's stdout, so
        // a trial that checkpoints and says goodbye after SIGTERM would hit a closed pipe and we a "Stream closed".
        ProcessHandle self = process.toHandle();
        List<ProcessHandle> tree = process.descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        self.destroy();
        if (grace.isZero()) {
            tree.forEach(ProcessHandle::destroyForcibly);
            self.destroyForcibly();
            return;
        }
        WATCHDOG.schedule(() -> {
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            if (process.isAlive()) {
                LOG.info("trial process {} ignored SIGTERM for {}; killing it", process.pid(), grace);
                self.destroyForcibly();
            }
        }, grace.toMillis(), TimeUnit.MILLISECONDS);
    }
}
