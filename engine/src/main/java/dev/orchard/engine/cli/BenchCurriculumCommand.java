package dev.orchard.engine.cli;

import dev.orchard.engine.bench.CurriculumBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

@Command(name = "curriculum", mixinStandardHelpOptions = true,
        description = {"Curricula teaching a simulated student: prerequisite chains of learnable tasks, plus impossible, pure-noise",
                "and trivial tasks. Reports episodes until the mean success over learnable tasks reaches 0.8 (median, IQR over",
                "seeds) and the share of episodes spent on impossible / noisy / trivial tasks. Figures, never pass/fail.",
                "--student all adds held-out students (other task counts, depths, learning speeds, distractor mixes) and a",
                "summary of each method's median ÷ uniform's on each."})
final class BenchCurriculumCommand implements Callable<Integer> {
    @Option(names = "--seeds", defaultValue = "30", description = "Seeds per method (default ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--first-seed", defaultValue = "0", description = "Seeds are first-seed, first-seed + 1, ... (default ${DEFAULT-VALUE}; another value gives held-out seeds).")
    long firstSeed;

    @Option(names = "--chains", defaultValue = "4", description = "Prerequisite chains (default ${DEFAULT-VALUE}).")
    int chains;

    @Option(names = "--depth", defaultValue = "5", description = "Tasks per chain (default ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--distractors", defaultValue = "5", description = "Impossible, noisy and trivial tasks, each (default ${DEFAULT-VALUE}).")
    int distractors;

    @Option(names = "--max-episodes", defaultValue = "200000", description = "Cap per run (default ${DEFAULT-VALUE}).")
    long maxEpisodes;

    @Option(names = "--horizon", defaultValue = "10000", description = "Total steps T the difficulty-bin schedules anneal over (default ${DEFAULT-VALUE}).")
    long horizon;

    @Option(names = "--methods", split = ",", description = "Subset of: uniform, oracle, learning_progress, learning_progress:w20, learning_progress:ema, learning_progress:reference, "
            + "difficulty_bins, difficulty_bins:reference, easy_first, easy_first:reference.")
    List<String> methods;

    @Option(names = "--threads", description = "Runs in parallel (default: the number of cores).")
    Integer threads;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = {"An option of the method learning_progress (its defaults otherwise), "
            + "e.g. --set temperature=1 --set window=30; VALUE is read as JSON when it can be."})
    List<String> set = List.of();

    @Option(names = "--student", split = ",", description = {"Students to teach: default (the one --chains, --depth and --distractors shape), "
            + "any of the held-out ones (wide, deep, quick, slow, distracted, clean, skewed, large), held-out (all of those) or all "
            + "(default, then held-out). With more than one, a summary of each method's median ÷ uniform's follows the tables."})
    List<String> students;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() throws Exception {
        if (seeds < 1 || chains < 1 || depth < 1 || distractors < 0 || maxEpisodes < 1 || horizon < 1) {
            throw new IllegalArgumentException("--seeds, --chains, --depth, --max-episodes and --horizon must be at least 1, --distractors at least 0");
        }
        var setup = new CurriculumBenchmark.Setup(chains, depth, distractors, distractors, distractors, 10, 30, 4, maxEpisodes);
        var heldOut = CurriculumBenchmark.heldOut(maxEpisodes);
        var runOn = new java.util.LinkedHashMap<String, CurriculumBenchmark.Setup>();
        for (String st : students == null ? List.of("default") : students) {
            switch (st) {
                case "default" -> runOn.put("default", setup);
                case "held-out" -> runOn.putAll(heldOut);
                case "all" -> {
                    runOn.put("default", setup);
                    runOn.putAll(heldOut);
                }
                default -> {
                    if (!heldOut.containsKey(st)) {
                        throw new IllegalArgumentException("unknown student '" + st + "'; valid: default, "
                                + String.join(", ", heldOut.keySet()) + ", held-out, all");
                    }
                    runOn.put(st, heldOut.get(st));
                }
            }
        }
        var lpOptions = new java.util.LinkedHashMap<String, Object>();
        for (String kv : set) {
            int eq = kv.indexOf('=');
            if (eq < 1) {
                throw new CommandLine.ParameterException(cmd.commandLine(), "--set: expected KEY=VALUE, got '" + kv + "'");
            }
            Object value;
            try {
                value = dev.orchard.engine.json.Json.WIRE.readValue(kv.substring(eq + 1), Object.class);
            } catch (java.io.IOException e) {
                value = kv.substring(eq + 1);
            }
            lpOptions.put(kv.substring(0, eq), value);
        }
        // checked once here, so a bad option is one clear error rather than one per run
        dev.orchard.engine.curriculum.CurriculumSpecs.parse(dev.orchard.engine.json.Json.tree(java.util.Map.of(
                "algorithm", "learning_progress", "options", lpOptions, "tasks", List.of(java.util.Map.of("id", "t0")))), "--set", "$");
        var all = CurriculumBenchmark.methods(horizon, lpOptions);
        var chosen = methods == null ? all : all.stream().filter(m -> methods.contains(m.name())).toList();
        if (methods != null) {
            for (String m : methods) {
                if (all.stream().noneMatch(x -> x.name().equals(m))) {
                    throw new IllegalArgumentException("unknown method '" + m + "'; valid: "
                            + String.join(", ", all.stream().map(CurriculumBenchmark.Method::name).toList()));
                }
            }
        }
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads != null ? threads : Runtime.getRuntime().availableProcessors());
        PrintWriter w = cmd.commandLine().getOut();
        var ratios = new java.util.LinkedHashMap<String, java.util.Map<String, Double>>();
        try {
            for (var student : runOn.entrySet()) {
                var su = student.getValue();
                w.printf(Locale.ROOT, "student %s: %s; %d seeds%n", student.getKey(), su.describe(), seeds);
                ratios.put(student.getKey(), table(w, pool, su, chosen));
                w.println();
            }
        } finally {
            pool.shutdownNow();
        }
        if (runOn.size() > 1) {
            w.println("median episodes ÷ uniform's, per student:");
            w.printf(Locale.ROOT, "%-28s", "method");
            runOn.keySet().forEach(k -> w.printf(Locale.ROOT, " %10s", k));
            w.println();
            for (var m : chosen) {
                w.printf(Locale.ROOT, "%-28s", m.name());
                for (var k : runOn.keySet()) {
                    Double r = ratios.get(k).get(m.name());
                    w.printf(Locale.ROOT, " %10s", r == null || r.isNaN() ? "–" : String.format(Locale.ROOT, "%.2f", r));
                }
                w.println();
            }
        }
        w.printf(Locale.ROOT, "(%.1f s)%n", (System.nanoTime() - start) / 1e9);
        w.flush();
        return 0;
    }

    /** One student's table; returns each method's median ÷ uniform's (NaN without uniform). */
    private java.util.Map<String, Double> table(PrintWriter w, ExecutorService pool, CurriculumBenchmark.Setup setup,
                                                List<CurriculumBenchmark.Method> chosen) throws Exception {
        w.printf(Locale.ROOT, "%-28s %9s %19s %8s %11s %8s %8s %9s%n", "method", "median", "IQR", "reached", "vs uniform",
                "imposs.", "noisy", "trivial");
        var out = new java.util.LinkedHashMap<String, Double>();
        double uniformMedian = Double.NaN;
        for (var m : chosen) {
            List<Future<CurriculumBenchmark.Run>> fs = new ArrayList<>();
            for (long seed = 0; seed < seeds; seed++) {
                long sd = firstSeed + seed;
                fs.add(pool.submit(() -> CurriculumBenchmark.run(setup, m, sd)));
            }
            long[] eps = new long[seeds];
            double[] share = new double[3];
            int reached = 0;
            for (int i = 0; i < seeds; i++) {
                var r = fs.get(i).get();
                eps[i] = r.episodes();
                reached += r.reached() ? 1 : 0;
                share[0] += r.impossibleShare() / seeds;
                share[1] += r.noisyShare() / seeds;
                share[2] += r.trivialShare() / seeds;
            }
            double med = CurriculumBenchmark.quantile(eps, 0.5);
            if (m.name().equals("uniform")) {
                uniformMedian = med;
            }
            out.put(m.name(), med / uniformMedian);
            w.printf(Locale.ROOT, "%-28s %9.0f %9.0f–%-9.0f %4d/%-3d %10s %7.1f%% %7.1f%% %8.1f%%%n", m.name(), med,
                    CurriculumBenchmark.quantile(eps, 0.25), CurriculumBenchmark.quantile(eps, 0.75), reached, seeds,
                    Double.isNaN(uniformMedian) ? "–" : String.format(Locale.ROOT, "%.2f", med / uniformMedian),
                    100 * share[0], 100 * share[1], 100 * share[2]);
            w.flush();
        }
        return out;
    }
}
