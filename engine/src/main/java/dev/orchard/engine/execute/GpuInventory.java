package dev.orchard.engine.execute;

import dev.orchard.engine.trial.GpuStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine's NVIDIA GPUs as {@code nvidia-smi} reports them. No {@code nvidia-smi}, or one that fails (no driver,
 * a hang), means a CPU-only machine: an empty list and a log line, never an exception.
 */
public final class GpuInventory {
    private static final Logger LOG = LoggerFactory.getLogger(GpuInventory.class);
    static final List<String> QUERY = List.of("--query-gpu=index,name,memory.total,utilization.gpu,memory.used",
            "--format=csv,noheader,nounits");
    private static final int MAX_OUTPUT = 1 << 20;
    private static final Pattern NUMBER = Pattern.compile("^[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

    private final Optional<Path> executable;
    private final String path;
    private final Duration timeout;

    /**
     * An inventory that looks for {@code nvidia-smi} on {@code path} (a PATH value; the child gets it as its PATH too)
     * and waits at most {@code timeout} for its answer.
     */
    public GpuInventory(String path, Duration timeout) {
        this.path = path == null ? "" : path;
        this.executable = find("nvidia-smi", this.path);
        this.timeout = timeout;
    }

    /** The inventory of this machine: {@code nvidia-smi} on the engine's PATH, 10 s to answer. */
    public static GpuInventory system() {
        return new GpuInventory(System.getenv("PATH"), Duration.ofSeconds(10));
    }

    /** Where {@code nvidia-smi} was found, if it was. */
    public Optional<Path> executable() {
        return executable;
    }

    /**
     * One query: the GPUs, or why there are none known. {@code problem} is present when {@code nvidia-smi} is missing or
     * failed (then nothing is known about the GPUs); absent with an empty list, it answered that there are none.
     */
    public record Detection(List<GpuStatus> gpus, Optional<String> problem) {
        public Detection {
            gpus = List.copyOf(gpus);
        }

        /** True when {@code nvidia-smi} answered, so its list is the truth about the machine. */
        public boolean known() {
            return problem.isEmpty();
        }
    }

    /** The machine's GPUs; empty on a machine without (working) NVIDIA GPUs, with the reason logged. */
    public List<GpuStatus> detect() {
        Detection d = query();
        d.problem().ifPresentOrElse(p -> LOG.info("no GPUs: {}; trials run on CPUs only", p),
                () -> LOG.debug("GPUs: {}", d.gpus()));
        return d.gpus();
    }

    /** Runs {@code nvidia-smi} once; logs nothing (a sampler calls it every few seconds). */
    public Detection query() {
        if (executable.isEmpty()) {
            return new Detection(List.of(), Optional.of("nvidia-smi not found on the PATH"));
        }
        var cmd = new ArrayList<String>();
        cmd.add(executable.get().toString());
        cmd.addAll(QUERY);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATH", path);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Detection(List.of(), Optional.of("cannot run " + executable.get() + ": " + e.getMessage()));
        }
        // a hung driver can make nvidia-smi hang: its output is read on this thread, so a timer ends it
        var hung = new AtomicBoolean();
        String hungProblem = "nvidia-smi did not answer within " + CommandRunner.seconds(timeout) + " s";
        try {
            p.getOutputStream().close();
            var timer = Timers.after(timeout, () -> {
                hung.set(true);
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            });
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
                in.transferTo(OutputStream.nullOutputStream());
            } finally {
                timer.cancel(false);
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || hung.get()) {
                p.destroyForcibly();
                return new Detection(List.of(), Optional.of(hungProblem));
            }
            if (p.exitValue() != 0) {
                String why = out.strip().lines().findFirst().orElse("");
                return new Detection(List.of(), Optional.of("nvidia-smi exited with code " + p.exitValue()
                        + (why.isEmpty() ? "" : ": " + MetricLine.abbreviate(why))));
            }
            return new Detection(parse(out), Optional.empty());
        } catch (IOException e) {
            p.destroyForcibly(); // ending it closes its output: a read of it that fails is then the timeout's doing
            return new Detection(List.of(), Optional.of(hung.get() ? hungProblem : "reading nvidia-smi's answer: " + e.getMessage()));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Detection(List.of(), Optional.of("interrupted while waiting for nvidia-smi"));
        }
    }

    /**
     * Parses {@code index, name, memory.total, utilization.gpu, memory.used} lines. Tolerates spaces, units
     * ({@code 81559 MiB}, {@code 3 %}), {@code [N/A]} and the like (NaN), and commas in a name; a line without a
     * readable index is skipped.
     */
    public static List<GpuStatus> parse(String csv) {
        var gpus = new ArrayList<GpuStatus>();
        for (String line : csv.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length < 5) {
                LOG.debug("nvidia-smi line skipped (expected 5 fields): {}", line);
                continue;
            }
            double index = number(f[0]);
            if (Double.isNaN(index) || index < 0 || index != Math.rint(index)) {
                LOG.debug("nvidia-smi line skipped (no index): {}", line);
                continue;
            }
            int n = f.length;
            String name = String.join(",", Arrays.copyOfRange(f, 1, n - 3)).strip();
            gpus.add(new GpuStatus((int) index, name, number(f[n - 3]), number(f[n - 2]), number(f[n - 1])));
        }
        return gpus;
    }

    /** The leading number of a field ("81559 MiB" → 81559); NaN for "[N/A]", "[Not Supported]" or nothing. */
    static double number(String field) {
        Matcher m = NUMBER.matcher(field.strip());
        return m.find() ? Double.parseDouble(m.group()) : Double.NaN;
    }

    private static Optional<Path> find(String program, String path) {
        for (String d : path.split(File.pathSeparator)) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
