package dev.orchard.engine.bench;

import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.optimize.Optimizers;
import dev.orchard.engine.optimize.Seeds;
import dev.orchard.engine.schedule.Decision;
import dev.orchard.engine.schedule.SchedulerContext;
import dev.orchard.engine.schedule.SchedulerSpec;
import dev.orchard.engine.schedule.Schedulers;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Schedulers replayed on recorded training curves ({@link CurveSet}) in a {@link SimulatedSweep}. A trial is a
 * configuration the optimizer draws (random search over the configurations) and one of its seeds, drawn per trial; step
 * {@code s} reveals that seed's {@code s}-th evaluation. A trial derived by PBT continues at its parent's step on a curve
 * of its own new configuration (a seed drawn for it): the recorded curves cannot say what changing hyperparameters
 * mid-run does, so the change takes effect as if the new configuration had been trained so far.
 * <p>
 * Figures per run: total steps; the steps consumed when the sweep's incumbent (the best observed final value among
 * trials that reached the last step) first has a true quality (its configuration's mean final value over seeds) in the
 * top {@code targetFraction} of all configurations; and the incumbent's true quality at the end (if no trial reached
 * the last step: the trial with the most steps, best last value).
 */
public final class SchedulerBenchmark {
    private SchedulerBenchmark() {
    }

    /** A scheduler under test and its name in the table. */
    public record Method(String name, SchedulerSpec spec) {
    }

    public record Run(String method, int seed, long totalSteps, OptionalLong stepsToTarget, double finalTrue,
                      double finalObserved, long makespan, int trials, int ranToEnd) {
    }

    /**
     * The methods compared by default: full-budget random search, ASHA (stop, promote), Hyperband, median, PBT, and
     * predictive early stopping forecasting from the sweep's completed trials (grace: a tenth of the budget).
     */
    public static List<Method> defaults(int parallel, long maxSteps, long grace, double eta, int population) {
        long interval = Math.max(1, maxSteps / 10);
        int generations = (int) Math.max(1, maxSteps / interval);
        return List.of(
                new Method("random", new SchedulerSpec("sync_batch", parallel)),
                new Method("asha-stop", SchedulerSpec.asha(parallel, grace, eta, maxSteps, "stop")),
                new Method("asha-promote", SchedulerSpec.asha(parallel, grace, eta, maxSteps, "promote")),
                new Method("hyperband", SchedulerSpec.hyperband(parallel, grace, eta, maxSteps, "stop")),
                new Method("median", SchedulerSpec.median(parallel, Math.max(1, maxSteps / 10), 5)),
                new Method("pbt", SchedulerSpec.pbt(population, interval, generations, 0.25, 0.25)),
                new Method("predictive", SchedulerSpec.predictive(parallel, Math.max(1, maxSteps / 10), maxSteps, 5, null)));
    }

    /** One method, one seed. {@code budget}: new trials (configurations) the sweep may create. */
    public static Run run(CurveSet data, Method method, int seed, int budget, double targetFraction) {
        Optimizer optimizer = Optimizers.create("random", new OptimizerContext(data.space(), data.direction(), seed));
        var scheduler = Schedulers.create(method.spec(), new SchedulerContext(data.space(), data.direction(), seed, budget));
        double target = data.topThreshold(targetFraction);
        var tracker = new Tracker(data, target);
        SimulatedSweep.Trainer trainer = (trial, params, fromStep) -> {
            CurveSet.Config c = data.config(params);
            SplittableRandom rng = Seeds.stream(seed ^ 0x5eed5L, trial);
            double[] curve = c.curves()[rng.nextInt(c.curves().length)];
            return new SimulatedSweep.Run() {
                @Override
                public double value(long step) {
                    return curve[(int) Math.min(step, curve.length) - 1];
                }

                @Override
                public long lastStep() {
                    return curve.length;
                }
            };
        };
        var sweep = new SimulatedSweep(scheduler, optimizer, budget, trainer, tracker).run();
        int toEnd = (int) sweep.trials().values().stream().filter(SimulatedSweep.Trial::ranToEnd).count();
        return new Run(method.name(), seed, sweep.steps(), tracker.stepsToTarget, tracker.finalTrue(sweep), tracker.bestObserved,
                sweep.time(), sweep.trials().size(), toEnd);
    }

    /** Follows the incumbent: the best observed final value among trials that reported the last step. */
    private static final class Tracker implements SimulatedSweep.Listener {
        final CurveSet data;
        final double target;
        double bestObserved = Double.NaN;
        double incumbentTrue = Double.NaN;
        OptionalLong stepsToTarget = OptionalLong.empty();

        Tracker(CurveSet data, double target) {
            this.data = data;
            this.target = target;
        }

        @Override
        public void reported(SimulatedSweep.Trial t, Decision d, long totalSteps, long time) {
            if (t.step() != data.steps()) {
                return;
            }
            if (Double.isNaN(bestObserved) || t.value() > bestObserved) {
                bestObserved = t.value();
                incumbentTrue = data.config(t.params()).finalMean();
                if (stepsToTarget.isEmpty() && incumbentTrue >= target) {
                    stepsToTarget = OptionalLong.of(totalSteps);
                }
            }
        }

        double finalTrue(SimulatedSweep sweep) {
            if (!Double.isNaN(incumbentTrue)) {
                return incumbentTrue;
            }
            var furthest = sweep.trials().values().stream().filter(t -> !Double.isNaN(t.value()))
                    .max(java.util.Comparator.comparingLong(SimulatedSweep.Trial::step).thenComparingDouble(SimulatedSweep.Trial::value));
            return furthest.map(t -> data.config(t.params()).finalMean()).orElse(Double.NaN);
        }
    }

    /** Every method × seed, on {@code threads} threads, in a fixed order of results. */
    public static List<Run> runAll(CurveSet data, List<Method> methods, int seeds, int budget, double targetFraction, int threads,
                                   IntConsumer progress) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            var futures = new ArrayList<Future<Run>>();
            AtomicInteger done = new AtomicInteger();
            for (Method m : methods) {
                for (int s = 0; s < seeds; s++) {
                    int seed = s;
                    futures.add(pool.submit(() -> {
                        Run r = run(data, m, seed, budget, targetFraction);
                        progress.accept(done.incrementAndGet());
                        return r;
                    }));
                }
            }
            var out = new ArrayList<Run>();
            for (Future<Run> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Per-method aggregate: medians over seeds, and how many seeds reached the target. */
    public record Summary(String method, double totalSteps, double stepsToTarget, int reached, int seeds, double finalTrueMean,
                          double finalTrueMedian, double atTarget, double trials, double makespan) {
    }

    public static List<Summary> summarize(List<Run> runs, List<Method> methods, double target) {
        var out = new ArrayList<Summary>();
        for (Method m : methods) {
            List<Run> rs = runs.stream().filter(r -> r.method().equals(m.name())).toList();
            double[] reached = rs.stream().filter(r -> r.stepsToTarget().isPresent()).mapToDouble(r -> r.stepsToTarget().getAsLong()).toArray();
            out.add(new Summary(m.name(), median(rs.stream().mapToDouble(Run::totalSteps).toArray()),
                    reached.length == 0 ? Double.NaN : median(reached), reached.length, rs.size(),
                    rs.stream().mapToDouble(Run::finalTrue).average().orElse(Double.NaN),
                    median(rs.stream().mapToDouble(Run::finalTrue).toArray()),
                    rs.stream().filter(r -> r.finalTrue() >= target).count() / (double) rs.size(),
                    median(rs.stream().mapToDouble(Run::trials).toArray()),
                    median(rs.stream().mapToDouble(Run::makespan).toArray())));
        }
        return out;
    }

    /** The table printed by {@code orchard bench schedulers}; ratios are against the first method (random search). */
    public static String table(List<Summary> summaries) {
        var b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-13s %11s %9s %15s %8s %12s %13s %10s %7s %9s%n", "method", "total steps", "vs first",
                "steps to top", "reached", "final true", "final median", "final top", "trials", "makespan"));
        Summary first = summaries.get(0);
        for (Summary s : summaries) {
            b.append(String.format(Locale.ROOT, "%-13s %11.0f %8.1fx %15s %8s %12.2f %13.2f %9.0f%% %7.0f %9.0f%n", s.method(), s.totalSteps(),
                    first.totalSteps() / s.totalSteps(), Double.isNaN(s.stepsToTarget()) ? "-" : String.format(Locale.ROOT, "%.0f", s.stepsToTarget()),
                    s.reached() + "/" + s.seeds(), s.finalTrueMean(), s.finalTrueMedian(), 100 * s.atTarget(), s.trials(), s.makespan()));
        }
        return b.toString();
    }

    public static void writeCsv(List<Run> runs, Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(abs))) {
            w.println("method,seed,total_steps,steps_to_target,final_true,final_observed,makespan,trials,ran_to_end");
            for (Run r : runs) {
                w.printf(Locale.ROOT, "%s,%d,%d,%s,%.4f,%.4f,%d,%d,%d%n", r.method(), r.seed(), r.totalSteps(),
                        r.stepsToTarget().isPresent() ? String.valueOf(r.stepsToTarget().getAsLong()) : "",
                        r.finalTrue(), r.finalObserved(), r.makespan(), r.trials(), r.ranToEnd());
            }
        }
    }

    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] x = v.clone();
        Arrays.sort(x);
        return x.length % 2 == 1 ? x[x.length / 2] : (x[x.length / 2 - 1] + x[x.length / 2]) / 2;
    }
}
