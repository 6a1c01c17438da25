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
                "seeds) and the share of episodes spent on impossible / noisy / trivial tasks. Figures, never pass/fail."})
final class BenchCurriculumCommand implements Callable<Integer> {
    @Option(names = "--seeds", defaultValue = "30", description = "Seeds per method (default ${DEFAULT-VALUE}).")
    int seeds;

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

    @Option(names = "--methods", split = ",", description = "Subset of: uniform, oracle, learning_progress, learning_progress:reference, "
            + "difficulty_bins, difficulty_bins:reference, easy_first, easy_first:reference.")
    List<String> methods;

    @Option(names = "--threads", description = "Runs in parallel (default: the number of cores).")
    Integer threads;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() throws Exception {
        if (seeds < 1 || chains < 1 || depth < 1 || distractors < 0 || maxEpisodes < 1 || horizon < 1) {
            throw new IllegalArgumentException("--seeds, --chains, --depth, --max-episodes and --horizon must be at least 1, --distractors at least 0");
        }
        var setup = new CurriculumBenchmark.Setup(chains, depth, distractors, distractors, distractors, 10, 30, 4, maxEpisodes);
        var all = CurriculumBenchmark.methods(horizon);
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
        w.printf(Locale.ROOT, "%d learnable tasks in %d chains, %d impossible, %d noisy, %d trivial; %d seeds%n",
                setup.learnable(), chains, distractors, distractors, distractors, seeds);
        w.printf(Locale.ROOT, "%-28s %9s %19s %8s %11s %8s %8s %9s%n", "method", "median", "IQR", "reached", "vs uniform",
                "imposs.", "noisy", "trivial");
        double uniformMedian = Double.NaN;
        try {
            for (var m : chosen) {
                List<Future<CurriculumBenchmark.Run>> fs = new ArrayList<>();
                for (long seed = 0; seed < seeds; seed++) {
                    long sd = seed;
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
                w.printf(Locale.ROOT, "%-28s %9.0f %9.0f–%-9.0f %4d/%-3d %10s %7.1f%% %7.1f%% %8.1f%%%n", m.name(), med,
                        CurriculumBenchmark.quantile(eps, 0.25), CurriculumBenchmark.quantile(eps, 0.75), reached, seeds,
                        Double.isNaN(uniformMedian) ? "–" : String.format(Locale.ROOT, "%.2f", med / uniformMedian),
                        100 * share[0], 100 * share[1], 100 * share[2]);
                w.flush();
            }
        } finally {
            pool.shutdownNow();
        }
        w.printf(Locale.ROOT, "(%.1f s)%n", (System.nanoTime() - start) / 1e9);
        w.flush();
        return 0;
    }
}
