package dev.orchard.engine.cli;

import dev.orchard.engine.bench.CurveBenchmark;
import dev.orchard.engine.predict.CurveRuns;
import dev.orchard.engine.predict.CurveScores;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "curves", mixinStandardHelpOptions = true,
        description = {"The curve predictor against its baselines, k-fold split by configuration (all seeds of a configuration on one",
                "side): MSE of the normalised curve, Spearman of final values, 80 %% band coverage; full curves from the configuration",
                "and extrapolation from the first 10/20/50 %% of each run. Defaults: the Pong PPO curves and their three hyperparameters."})
final class BenchCurvesCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "FILE", description = "Runs, JSON lines (.gz) (default bench/data/" + BenchSchedulersCommand.DEFAULT_DATA + ").")
    Path data;
    @Option(names = "--env-features", split = ",", description = "Environment features (default none).")
    List<String> envFeatures;
    @Option(names = "--agent-features", split = ",", defaultValue = "log10_lr,gamma,clip", description = "Agent features (default ${DEFAULT-VALUE}).")
    List<String> agentFeatures;
    @Option(names = "--curve", defaultValue = "returns")
    String curve;
    @Option(names = "--x", defaultValue = "timesteps")
    String x;
    @Option(names = "--folds", defaultValue = "5", description = "Folds (default ${DEFAULT-VALUE}).")
    int folds;
    @Mixin
    CurvesCommand.HyperOptions h;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() throws Exception {
        Path file = data == null ? BenchOptimizersCommand.defaultData().resolve(BenchSchedulersCommand.DEFAULT_DATA) : data;
        var env = CurvesCommand.list(envFeatures);
        var agent = CurvesCommand.list(agentFeatures);
        var features = new ArrayList<>(env);
        features.addAll(agent);
        var runs = CurveRuns.readJsonLines(file, new CurveRuns.Fields(features, curve, x, "env"));
        PrintWriter w = cmd.commandLine().getOut();
        w.printf(Locale.ROOT, "%s: %d runs, %d configurations, %d folds by configuration; %s%n", file.getFileName(), runs.size(),
                runs.stream().map(r -> r.group()).distinct().count(), folds, h.hyper());
        w.flush();
        long start = System.nanoTime();
        var scores = CurveBenchmark.run(runs, new CurveBenchmark.Setup(env, agent, h.grid, folds, h.hyper(), h.seed, new double[]{0, 0.1, 0.2, 0.5}, h.blend),
                line -> {
                    System.err.println(line);
                });
        w.print(CurveScores.table(scores, "vae-ensemble"));
        w.printf(Locale.ROOT, "mse: normalised per environment (training folds' mean and deviation), over the points not shown;"
                + " 'vs best base': over the best baseline of the task; %.0f s%n", (System.nanoTime() - start) / 1e9);
        w.flush();
        return 0;
    }
}
