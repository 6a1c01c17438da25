package dev.orchard.engine.bench;

import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.optimize.Optimizers;
import dev.orchard.engine.optimize.Seeds;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs optimizers on benchmark problems the way a user's sweep would (ask, evaluate, tell; {@code batch} suggestions
 * at a time) and records after every trial the <em>simple regret</em>: the smallest true regret (mean over seeds for
 * tabular problems) among the configurations evaluated so far. Also recorded, as a stricter figure: the
 * <em>incumbent regret</em>, the true regret of the trial with the best observed (noisy) value, which is what a user
 * would pick without knowing the truth.
 */
public final class OptimizerBenchmark {
    private OptimizerBenchmark() {
    }

    /** Optuna 3.1's best sampler, median regret@100 over 20 seeds, measured on this machine kind (issue 3). */
    public static final Map<String, Double> OPTUNA_BEST = Map.of("branin", 0.0121, "hartmann6", 0.188,
            "hpobench-phoneme", 0.00249, "hpobench-vehicle", 0.00318, "hpobench-australian", 0.00428,
            "nasbench201-cifar10", 0.0533);

    public record Curve(String problem, String optimizer, int seed, double[] regret, double[] incumbentRegret,
                        double seconds, int failed, int distinct) {
        /** Regret after {@code trials} trials (the last one if the run was shorter). */
        public double at(int trials) {
            return regret[Math.min(trials, regret.length) - 1];
        }

        public double incumbentAt(int trials) {
            return incumbentRegret[Math.min(trials, incumbentRegret.length) - 1];
        }
    }

    /** One optimizer on one problem with one seed. */
    public static Curve run(Problem problem, String optimizer, int seed, int trials, int batch) {
        return run(problem, optimizer, null, seed, trials, batch);
    }

    /** As above, with the optimizer's settings ({@code null}: defaults). */
    public static Curve run(Problem problem, String optimizer, com.fasterxml.jackson.databind.JsonNode config, int seed, int trials, int batch) {
        Optimizer opt = Optimizers.create(optimizer, new OptimizerContext(problem.space(), problem.direction(), seed, config));
        SplittableRandom noise = Seeds.stream(seed, 0x5eed);
        double[] regret = new double[trials];
        double[] incumbent = new double[trials];
        double best = Double.NaN;
        double bestRegret = Double.POSITIVE_INFINITY;
        double minRegret = Double.POSITIVE_INFINITY;
        int done = 0;
        int failed = 0;
        var seen = new java.util.HashSet<Map<String, Object>>();
        long t0 = System.nanoTime();
        while (done < trials) {
            var configs = opt.suggest(Math.min(batch, trials - done));
            if (configs.isEmpty()) {
                break;
            }
            var results = new ArrayList<OptionalDouble>(configs.size());
            for (var c : configs) {
                results.add(problem.evaluate(c, noise));
            }
            for (int i = 0; i < configs.size(); i++) {
                var c = configs.get(i);
                seen.add(c);
                OptionalDouble v = results.get(i);
                int number = done;
                if (v.isPresent()) {
                    opt.observe(Observation.completed(number, c, v.getAsDouble()));
                    double r = problem.regret(c);
                    minRegret = Math.min(minRegret, r);
                    if (Double.isNaN(best) || problem.direction().better(v.getAsDouble(), best)) {
                        best = v.getAsDouble();
                        bestRegret = r;
                    }
                } else {
                    opt.observe(Observation.failed(number, c));
                    failed++;
                }
                incumbent[done] = bestRegret;
                regret[done++] = minRegret;
            }
        }
        if (done < trials) {
            Arrays.fill(regret, done, trials, done == 0 ? Double.POSITIVE_INFINITY : regret[done - 1]);
            Arrays.fill(incumbent, done, trials, done == 0 ? Double.POSITIVE_INFINITY : incumbent[done - 1]);
        }
        return new Curve(problem.name(), optimizer, seed, regret, incumbent, (System.nanoTime() - t0) / 1e9, failed, seen.size());
    }

    /** Every (problem, optimizer, seed) on {@code threads} threads; {@code progress} gets the count of finished runs. */
    public static List<Curve> runAll(List<Problem> problems, List<String> optimizers, int seeds, int trials, int batch,
                                     int threads, IntConsumer progress) throws InterruptedException {
        return runAll(problems, optimizers, null, seeds, trials, batch, threads, progress);
    }

    public static List<Curve> runAll(List<Problem> problems, List<String> optimizers, com.fasterxml.jackson.databind.JsonNode config,
                                     int seeds, int trials, int batch, int threads, IntConsumer progress) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        var futures = new ArrayList<Future<Curve>>();
        AtomicInteger finished = new AtomicInteger();
        for (Problem p : problems) {
            for (String o : optimizers) {
                for (int s = 0; s < seeds; s++) {
                    int seed = s;
                    futures.add(pool.submit(() -> {
                        Curve c = run(p, o, config, seed, trials, batch);
                        progress.accept(finished.incrementAndGet());
                        return c;
                    }));
                }
            }
        }
        pool.shutdown();
        var out = new ArrayList<Curve>(futures.size());
        try {
            for (Future<Curve> f : futures) {
                out.add(f.get());
            }
        } catch (java.util.concurrent.ExecutionException e) {
            pool.shutdownNow();
            throw new IllegalStateException("benchmark run failed: " + e.getCause(), e.getCause());
        }
        return out;
    }

    /** One row per (problem, optimizer, seed, checkpoint). */
    public static void writeCsv(List<Curve> curves, List<Integer> checkpoints, Path file) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            w.println("problem,optimizer,seed,trials,regret,incumbent_regret,failed,distinct,seconds");
            for (Curve c : curves) {
                for (int t : checkpoints) {
                    w.printf(Locale.ROOT, "%s,%s,%d,%d,%.8g,%.8g,%d,%d,%.3f%n", c.problem(), c.optimizer(), c.seed(), t, c.at(t),
                            c.incumbentAt(t), c.failed(), c.distinct(), c.seconds());
                }
            }
        }
    }

    /** Median of the runs' regret at a checkpoint, per problem and optimizer. */
    public static Map<String, Map<String, Double>> medians(List<Curve> curves, int trials) {
        return medians(curves, trials, false);
    }

    public static Map<String, Map<String, Double>> medians(List<Curve> curves, int trials, boolean incumbent) {
        var grouped = new LinkedHashMap<String, Map<String, List<Double>>>();
        for (Curve c : curves) {
            grouped.computeIfAbsent(c.problem(), k -> new LinkedHashMap<>()).computeIfAbsent(c.optimizer(), k -> new ArrayList<>())
                    .add(incumbent ? c.incumbentAt(trials) : c.at(trials));
        }
        var out = new LinkedHashMap<String, Map<String, Double>>();
        grouped.forEach((p, byOpt) -> {
            var m = new LinkedHashMap<String, Double>();
            byOpt.forEach((o, v) -> m.put(o, median(v)));
            out.put(p, m);
        });
        return out;
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (a.length == 0) {
            return Double.NaN;
        }
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    /** A text table: one block per checkpoint, problems as rows, optimizers as columns, Optuna's figure beside. */
    public static String summary(List<Curve> curves, List<String> optimizers, List<Integer> checkpoints) {
        StringBuilder b = new StringBuilder();
        var blocks = new ArrayList<Object[]>();
        checkpoints.forEach(t -> blocks.add(new Object[]{t, false}));
        blocks.add(new Object[]{checkpoints.get(checkpoints.size() - 1), true});
        for (Object[] block : blocks) {
            int t = (Integer) block[0];
            boolean inc = (Boolean) block[1];
            var med = medians(curves, t, inc);
            b.append(String.format(Locale.ROOT, "median %s regret after %d trials (%d seeds)%n", inc ? "incumbent" : "simple", t,
                    curves.stream().mapToInt(Curve::seed).max().orElse(-1) + 1));
            b.append(String.format(Locale.ROOT, "%-22s", "problem"));
            optimizers.forEach(o -> b.append(String.format(Locale.ROOT, " %10s", o)));
            if (t == 100 && !inc) {
                b.append(String.format(Locale.ROOT, " %10s", "optuna-best"));
            }
            b.append('\n');
            med.forEach((p, byOpt) -> {
                b.append(String.format(Locale.ROOT, "%-22s", p));
                optimizers.forEach(o -> b.append(String.format(Locale.ROOT, " %10s", fmt(byOpt.getOrDefault(o, Double.NaN)))));
                if (t == 100 && !inc) {
                    b.append(String.format(Locale.ROOT, " %10s", OPTUNA_BEST.containsKey(p) ? fmt(OPTUNA_BEST.get(p)) : "-"));
                }
                b.append('\n');
            });
            b.append('\n');
        }
        return b.toString();
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Double.isInfinite(v)) {
            return "inf";
        }
        return v != 0 && Math.abs(v) < 1e-3 ? String.format(Locale.ROOT, "%.2e", v) : String.format(Locale.ROOT, "%.4f", v);
    }
}
