package dev.orchard.engine.cli;

import dev.orchard.engine.bench.CurveSet;
import dev.orchard.engine.bench.SchedulerBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "schedulers", mixinStandardHelpOptions = true,
        description = {"Schedulers replayed on recorded training curves in simulated time (no real training, no sleeping):",
                "every method gets the same number of configurations (random search over the data's configurations);",
                "reports total steps, steps until the incumbent's true quality is in the top 5 %, and the final true quality."})
final class BenchSchedulersCommand implements Callable<Integer> {
    static final String DEFAULT_DATA = "curves-ppo-Pong-v0.jsonl.gz";

    @Option(names = "--data", paramLabel = "FILE", description = "Curves, JSON lines (.gz) as bench/data/" + DEFAULT_DATA + " (the default).")
    Path data;

    @Option(names = "--seeds", defaultValue = "20", description = "Seeds per method (default ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--configs", defaultValue = "64", description = "Configurations (new trials) per sweep (default ${DEFAULT-VALUE}).")
    int configs;

    @Option(names = "--parallel", defaultValue = "4", description = "Trials at once (default ${DEFAULT-VALUE}; PBT runs its population at once).")
    int parallel;

    @Option(names = "--eta", defaultValue = "4", description = "ASHA/Hyperband reduction factor (default ${DEFAULT-VALUE}, the schedulers' own default).")
    double eta;

    @Option(names = "--grace", defaultValue = "1", description = "ASHA/Hyperband first rung (default ${DEFAULT-VALUE}, the schedulers' own default).")
    Long grace;

    @Option(names = "--population", defaultValue = "8", description = "PBT population (default ${DEFAULT-VALUE}).")
    int population;

    @Option(names = "--target", defaultValue = "0.05", description = "Top fraction of configurations that counts as found (default ${DEFAULT-VALUE}).")
    double target;

    @Option(names = "--methods", split = ",", description = "Subset of: random, asha-stop, asha-promote, hyperband, median, pbt, predictive (predictive-model with --predict-model).")
    List<String> methods;

    @Option(names = "--predict-model", paramLabel = "DIR", description = {"Also run predictive stopping with this curve model (method",
            "predictive-model; its x must be the evaluation index: `curves fit --x @index`). A model trained on these same curves has seen them."})
    Path predictModel;

    @Option(names = "--threads", description = "Runs in parallel (default: the number of cores).")
    Integer threads;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", defaultValue = "bench-schedulers.csv", description = "CSV, one row per run (default ${DEFAULT-VALUE}).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() throws Exception {
        if (seeds < 1 || configs < 1 || parallel < 1) {
            throw new IllegalArgumentException("--seeds, --configs and --parallel must be at least 1");
        }
        if (!(target > 0 && target <= 1)) {
            throw new IllegalArgumentException("--target must be in (0, 1], got " + target);
        }
        Path file = data == null ? BenchOptimizersCommand.defaultData().resolve(DEFAULT_DATA) : data;
        CurveSet curves = CurveSet.load(file);
        long steps = curves.steps();
        long g = grace;
        var all = new java.util.ArrayList<>(SchedulerBenchmark.defaults(parallel, steps, g, eta, population));
        if (predictModel != null) {
            all.add(new SchedulerBenchmark.Method("predictive-model", dev.orchard.engine.schedule.SchedulerSpec.predictive(parallel,
                    Math.max(1, steps / 10), steps, 5, predictModel.toString())));
        }
        var chosen = methods == null ? all : all.stream().filter(m -> methods.contains(m.name())).toList();
        if (methods != null) {
            for (String m : methods) {
                if (all.stream().noneMatch(x -> x.name().equals(m))) {
                    throw new IllegalArgumentException("unknown method '" + m + "'; valid: "
                            + String.join(", ", all.stream().map(SchedulerBenchmark.Method::name).toList()));
                }
            }
        }
        PrintWriter w = cmd.commandLine().getOut();
        double threshold = curves.topThreshold(target);
        w.printf(Locale.ROOT, "%s: %d configurations, %d steps each; top %.0f %% = true final return >= %.2f (best %.2f)%n",
                curves.name(), curves.configs().size(), steps, 100 * target, threshold, curves.bestFinalMean());
        w.printf(Locale.ROOT, "%d configurations per sweep, %d at once, %d seeds; grace %d, eta %s%n", configs, parallel, seeds, g, eta);
        chosen.forEach(m -> w.println("  " + m.name() + ": " + dev.orchard.engine.json.Json.write(m.spec())));
        w.flush();
        int runs = chosen.size() * seeds;
        ProgressLine progress = new ProgressLine(System.err, "bench", runs, System.console() != null);
        var results = SchedulerBenchmark.runAll(curves, chosen, seeds, configs, target,
                threads == null ? Runtime.getRuntime().availableProcessors() : threads, n -> progress.update(n, "", false));
        progress.finish(runs, "");
        SchedulerBenchmark.writeCsv(results, out);
        w.print(SchedulerBenchmark.table(SchedulerBenchmark.summarize(results, chosen, threshold)));
        w.println("medians over seeds; 'steps to top': steps consumed when the incumbent first was in the top set, over the seeds");
        w.println("that got there ('reached'); 'final true': mean over seeds of the final incumbent's true (mean over its seeds) final");
        w.println("return; 'final top': seeds whose final incumbent is in the top set; 'vs first': the first method's total steps / this one's.");
        w.println("runs in " + out);
        w.flush();
        return 0;
    }
}
