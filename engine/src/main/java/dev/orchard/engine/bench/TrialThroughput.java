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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * How many trials a second a sweep runs end to end, everything stored: random search over branin in-process, each
 * trial reporting {@code steps} intermediate values, timed from start until the history writer has stored the last
 * row. The same sweep against an in-memory H2 database is the baseline measured in the same run.
 */
public final class TrialThroughput {
    private TrialThroughput() {
    }

    /** One timed sweep. */
    public record Run(String storage, int trials, double seconds, long metricRows) {
        public double trialsPerSecond() {
            return trials / seconds;
        }
    }

    public record Result(List<Run> file, List<Run> memory) {
        public double medianFile() {
            return median(file);
        }

        public double medianMemory() {
            return median(memory);
        }

        private static double median(List<Run> runs) {
            var v = runs.stream().map(Run::trialsPerSecond).sorted(Comparator.naturalOrder()).toList();
            return v.isEmpty() ? Double.NaN : v.get(v.size() / 2);
        }
    }

    public static ExperimentSpec spec(int trials, int steps, int slots) {
        return new ExperimentSpec(ExperimentSpec.FORMAT, "bench-throughput", null,
                SearchSpace.of(new UniformParam("x1", -5, 10), new UniformParam("x2", 0, 15)),
                new OptimizerSpec("random", null), new SchedulerSpec("sync_batch", slots),
                new ObjectiveSpec.Builtin("branin", steps, 0), trials, 1L, Direction.MINIMIZE);
    }

    /** Untimed sweeps per storage before the timed ones, as JMH warms up: a JVM reaches full speed only after a few. */
    public static final int WARMUPS = 5;

    /** Runs {@code repeats} timed sweeps per storage after {@link #WARMUPS} untimed ones of each. */
    public static Result measure(int trials, int steps, int slots, int repeats, Path scratch) throws IOException, InterruptedException {
        ExperimentSpec spec = spec(trials, steps, slots);
        var file = new ArrayList<Run>();
        var memory = new ArrayList<Run>();
        for (int r = -WARMUPS; r < repeats; r++) {
            Path dir = Files.createTempDirectory(scratch, "bench");
            Run f = once("h2-file", spec, d -> Orchard.open(d.resolve("history")), dir);
            Run m = once("h2-memory", spec, Orchard::openInMemory, dir);
            if (r >= 0) {
                file.add(f);
                memory.add(m);
            }
        }
        return new Result(file, memory);
    }

    private static Run once(String storage, ExperimentSpec spec, Function<Path, Orchard> open, Path dir) throws InterruptedException {
        try (Orchard orchard = open.apply(dir)) {
            long t0 = System.nanoTime();
            Sweep s = orchard.start(spec, dir);
            if (s.await() != ExperimentStatus.COMPLETED) {
                throw new IllegalStateException("benchmark sweep ended " + s.status());
            }
            orchard.flush();
            double secs = (System.nanoTime() - t0) / 1e9;
            int stored = orchard.trials(s.experimentId()).size();
            long rows = orchard.metrics(s.experimentId()).size();
            if (stored != spec.budget()) {
                throw new IllegalStateException("stored " + stored + " trials of " + spec.budget());
            }
            return new Run(storage, stored, secs, rows);
        }
    }
}
