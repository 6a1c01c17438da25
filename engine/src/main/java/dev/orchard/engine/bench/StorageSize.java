package dev.orchard.engine.bench;

import dev.orchard.engine.experiment.ExperimentSpec;
import dev.orchard.engine.experiment.ObjectiveSpec;
import dev.orchard.engine.experiment.OptimizerSpec;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.experiment.Sweep;
import dev.orchard.engine.schedule.SchedulerSpec;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.ExperimentStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How big the history database grows per trial: one sweep of in-process branin per optimizer, every trial reporting
 * {@code steps} intermediate values, stored in a fresh H2 file; the file's size is taken while the engine still has it
 * open (what a long sweep accumulates) and after it closed it (what stays on disk; closing compacts the file, and
 * takes the time it is given for that).
 */
public final class StorageSize {
    private StorageSize() {
    }

    /** One sweep's figures; sizes in bytes. */
    public record Run(String optimizer, int trials, double seconds, double closeSeconds, long bytesOpen, long bytesClosed) {
        public double mbPerThousandOpen() {
            return perThousand(bytesOpen);
        }

        public double mbPerThousandClosed() {
            return perThousand(bytesClosed);
        }

        private double perThousand(long bytes) {
            return bytes / 1e6 * 1000.0 / trials;
        }
    }

    public static ExperimentSpec spec(String optimizer, int trials, int steps, int slots, long delayMs) {
        return new ExperimentSpec(ExperimentSpec.FORMAT, "bench-storage-" + optimizer, null,
                SearchSpace.of(new UniformParam("x1", -5, 10), new UniformParam("x2", 0, 15)),
                new OptimizerSpec(optimizer, null), new SchedulerSpec("sync_batch", slots),
                new ObjectiveSpec.Builtin("branin", steps, delayMs), trials, 1L, Direction.MINIMIZE);
    }

    /** Runs the sweep of {@link #spec} into a new database under {@code scratch}. */
    public static Run measure(String optimizer, int trials, int steps, int slots, long delayMs, Path scratch)
            throws IOException, InterruptedException {
        ExperimentSpec spec = spec(optimizer, trials, steps, slots, delayMs);
        Path dir = Files.createTempDirectory(scratch, "storage");
        Path file = dir.resolve("history.mv.db");
        Orchard orchard = Orchard.open(dir.resolve("history"));
        long open;
        double seconds;
        try {
            long t0 = System.nanoTime();
            Sweep s = orchard.start(spec, dir);
            if (s.await() != ExperimentStatus.COMPLETED) {
                throw new IllegalStateException("benchmark sweep ended " + s.status());
            }
            orchard.flush();
            seconds = (System.nanoTime() - t0) / 1e9;
            int stored = orchard.trials(s.experimentId()).size();
            if (stored != trials) {
                throw new IllegalStateException("stored " + stored + " trials of " + trials);
            }
            open = Files.size(file);
        } catch (RuntimeException | InterruptedException e) {
            orchard.close();
            throw e;
        }
        long t1 = System.nanoTime();
        orchard.close();
        double closing = (System.nanoTime() - t1) / 1e9;
        return new Run(optimizer, trials, seconds, closing, open, Files.size(file));
    }
}
