package dev.orchard.engine.cli;

import dev.orchard.engine.bench.OptimizerBenchmark;
import dev.orchard.engine.bench.Problem;
import dev.orchard.engine.bench.SuggestTime;
import dev.orchard.engine.bench.SyntheticProblem;
import dev.orchard.engine.bench.TabularProblem;
import dev.orchard.engine.execute.BuiltinFunctions;
import dev.orchard.engine.optimize.Optimizers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "optimizers", mixinStandardHelpOptions = true,
        description = {"Median simple regret of optimizers on synthetic and tabular problems, to CSV plus a summary table.",
                "Tabular problems return one random seed's value per evaluation; regret uses the mean over seeds."})
final class BenchOptimizersCommand implements Callable<Integer> {
    static final String DEFAULT_PROBLEMS = "branin,hartmann6,hpobench-phoneme,hpobench-vehicle,hpobench-australian,hpobench-car,nasbench201-cifar10";

    @Option(names = "--problems", split = ",", defaultValue = DEFAULT_PROBLEMS, description = "Problems (default: all).")
    List<String> problems;

    @Option(names = "--optimizers", split = ",", description = "Optimizers (default: every registered one).")
    List<String> optimizers;

    @Option(names = "--seeds", defaultValue = "20", description = "Seeds per optimizer and problem (default ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--trials", defaultValue = "100", description = "Trials per run (default ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--batch", defaultValue = "1", description = "Suggestions asked at once (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--config", paramLabel = "JSON", description = "Settings given to every optimizer, e.g. '{\"acquisition\":\"ucb\"}' for gp.")
    String config;

    @Option(names = "--threads", description = "Runs in parallel (default: the number of cores).")
    Integer threads;

    @Option(names = "--data", paramLabel = "DIR", description = "Folder with index.json and the tables (default: bench/data of the Orchard checkout).")
    Path data;

    @Option(names = "--index", paramLabel = "FILE", description = "More tables, in index.json format (held-out problems).")
    List<Path> extraIndexes = new ArrayList<>();

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", defaultValue = "bench-optimizers.csv", description = "CSV of regrets (default ${DEFAULT-VALUE}).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    static Path defaultData() {
        String home = System.getProperty("orchard.home");
        return (home == null ? Path.of(".") : Path.of(home)).resolve("bench").resolve("data");
    }

    static Map<String, Problem> problems(Path data, List<Path> extra) throws Exception {
        var all = new LinkedHashMap<String, Problem>();
        for (String f : BuiltinFunctions.all().keySet()) {
            all.put(f, SyntheticProblem.of(f));
        }
        var indexes = new ArrayList<Path>();
        Path idx = (data == null ? defaultData() : data).resolve("index.json");
        if (Files.exists(idx)) {
            indexes.add(idx);
        } else if (data != null) {
            throw new IllegalArgumentException("no index.json in " + data);
        }
        indexes.addAll(extra);
        for (Path i : indexes) {
            for (TabularProblem t : TabularProblem.loadIndex(i)) {
                all.put(t.name(), t);
            }
        }
        return all;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter w = cmd.commandLine().getOut();
        Map<String, Problem> available = problems(data, extraIndexes);
        var chosen = new ArrayList<Problem>();
        for (String p : problems) {
            Problem pr = available.get(p.trim());
            if (pr == null) {
                throw new IllegalArgumentException("unknown problem '" + p + "'; available: " + String.join(", ", available.keySet()));
            }
            chosen.add(pr);
        }
        for (String extra : extraIndexes.isEmpty() ? List.<String>of() : available.keySet()) {
            if (!problems.contains(extra) && available.get(extra) instanceof TabularProblem && !DEFAULT_PROBLEMS.contains(extra)) {
                chosen.add(available.get(extra)); // held-out tables given with --index run too
            }
        }
        List<String> opts = optimizers == null ? new ArrayList<>(Optimizers.available().keySet()) : optimizers;
        opts.forEach(Optimizers::checkName);
        int runs = chosen.size() * opts.size() * seeds;
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        long t0 = System.nanoTime();
        ProgressLine progress = new ProgressLine(System.err, "bench", runs, System.console() != null);
        var settings = config == null ? null : dev.orchard.engine.json.Json.WIRE.readTree(config);
        var curves = OptimizerBenchmark.runAll(chosen, opts, settings, seeds, trials, batch, nThreads, n -> progress.update(n, "", false));
        progress.finish(runs, "");
        var checkpoints = List.of(10, 25, 50, 100).stream().filter(c -> c <= trials).toList();
        if (!checkpoints.contains(trials)) {
            checkpoints = new ArrayList<>(checkpoints);
            checkpoints.add(trials);
        }
        OptimizerBenchmark.writeCsv(curves, checkpoints, out);
        w.print(OptimizerBenchmark.summary(curves, opts, checkpoints));
        var secs = new LinkedHashMap<String, Double>();
        curves.forEach(c -> secs.merge(c.optimizer(), c.seconds(), Double::sum));
        w.println("optimizer seconds per run (mean over problems and seeds):");
        secs.forEach((o, s) -> w.printf(Locale.ROOT, "  %-12s %.2f%n", o, s / (chosen.size() * seeds)));
        w.printf(Locale.ROOT, "%d runs in %.0f s; regrets in %s%n", runs, (System.nanoTime() - t0) / 1e9, out);
        w.flush();
        return 0;
    }

    @Command(name = "suggest-time", mixinStandardHelpOptions = true,
            description = "Milliseconds per suggestion once an optimizer holds N observations.")
    static final class SuggestTimeCommand implements Callable<Integer> {
        @Option(names = "--optimizer", required = true)
        String optimizer;

        @Option(names = "--observations", defaultValue = "200")
        int observations;

        @Option(names = "--problem", defaultValue = "hartmann6")
        String problem;

        @Option(names = "--repeats", defaultValue = "20")
        int repeats;

        @Option(names = "--data", paramLabel = "DIR")
        Path data;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Override
        public Integer call() throws Exception {
            Problem p = problems(data, List.of()).get(problem);
            if (p == null) {
                throw new IllegalArgumentException("unknown problem '" + problem + "'");
            }
            var r = SuggestTime.measure(optimizer, p, observations, repeats, 1);
            cmd.commandLine().getOut().printf(Locale.ROOT, "%s on %s with %d observations: median %.2f ms, max %.2f ms per suggestion%n",
                    r.optimizer(), r.problem(), r.observations(), r.medianMillis(), r.maxMillis());
            cmd.commandLine().getOut().flush();
            return 0;
        }
    }
}
