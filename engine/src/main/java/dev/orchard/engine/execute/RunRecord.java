package dev.orchard.engine.execute;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.orchard.engine.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a later engine needs to pick up one run of a command trial whose engine died: the run's id (also in the
 * environment of every process it starts, {@code ORCHARD_RUN_ID}), where its output begins in the trial's log, when
 * it started, its wrapper's pid and start instant once known, and whether the engine had asked it to stop. Kept in
 * {@code trial-N.run} beside the log, replaced atomically; the wrapper writes {@code "RUN_ID CODE"} to
 * {@code trial-N.exit} when the trial ends.
 *
 * @param gpus        the GPUs the run was given ({@code CUDA_VISIBLE_DEVICES}): a later engine gives them to it again
 * @param pid         the wrapper's pid (it leads the run's process group); absent until the process started
 * @param pidStarted  that process's start instant in epoch milliseconds, to tell it from a later owner of the pid
 */
public record RunRecord(String runId, long offset, long startedAt, List<Integer> gpus, Optional<Long> pid,
                        Optional<Long> pidStarted, boolean stopRequested) {

    public RunRecord {
        gpus = gpus == null ? List.of() : List.copyOf(gpus);
    }

    /** The run record of the trial whose log is {@code log}. */
    public static Path fileFor(Path log) {
        return sibling(log, ".run");
    }

    /** Where the wrapper writes the trial's exit status. */
    static Path exitFileFor(Path log) {
        return sibling(log, ".exit");
    }

    private static Path sibling(Path log, String suffix) {
        String name = log.getFileName().toString();
        String stem = name.endsWith(".log") ? name.substring(0, name.length() - 4) : name;
        return log.resolveSibling(stem + suffix);
    }

    RunRecord started(long pid, Instant at) {
        return new RunRecord(runId, offset, startedAt, gpus, Optional.of(pid), Optional.of(at.toEpochMilli()), stopRequested);
    }

    RunRecord stopping() {
        return new RunRecord(runId, offset, startedAt, gpus, pid, pidStarted, true);
    }

    /** The record of {@code log}'s latest run; empty when there is none or it cannot be read (then nothing is known). */
    public static Optional<RunRecord> read(Path log) {
        try {
            return Optional.of(Json.WIRE.readValue(Files.readString(fileFor(log)), RunRecord.class));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // none, or a torn or foreign file: nothing is known
        }
    }

    /**
     * The run's wrapper if it still runs: the recorded pid when it is still that process, else (the engine died
     * before noting the pid) the process that carries the run's id and leads its own group.
     */
    public Optional<ProcessHandle> leader() {
        return pid.isPresent() ? ProcessTree.find(pid.get(), Instant.ofEpochMilli(pidStarted.orElse(0L)))
                : ProcessTree.runLeader(runId);
    }

    /** Ends what is left of the run: its group, when its leader still runs, and every process that carries its id. */
    public void end(Duration grace) {
        leader().ifPresentOrElse(h -> ProcessTree.terminate(h, grace, runId), () -> ProcessTree.terminateRun(runId, grace));
    }

    /** Replaces the record atomically: a reader sees the old one or the new one, never half of one. */
    void write(Path log) throws IOException {
        Path target = fileFor(log);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, Json.WIRE.writeValueAsString(this), StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IOException("cannot write the run record: " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The exit status the wrapper wrote for this run; empty while it runs, or when it was killed before writing it. */
    OptionalInt exitCode(Path log) {
        try {
            String[] f = Files.readString(exitFileFor(log), StandardCharsets.UTF_8).trim().split(" ");
            if (f.length == 2 && f[0].equals(runId)) {
                return OptionalInt.of(Integer.parseInt(f[1]));
            }
        } catch (IOException | RuntimeException e) {
            // absent, torn or another run's: no status
        }
        return OptionalInt.empty();
    }
}
