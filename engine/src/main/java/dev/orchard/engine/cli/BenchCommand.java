package dev.orchard.engine.cli;

import dev.orchard.engine.bench.StorageSize;
import dev.orchard.engine.bench.TrialThroughput;
import dev.orchard.engine.optimize.Optimizers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true, description = {"Benchmarks (figures, never pass/fail).", "The workbench canvas has its own: ./orchard bench canvas (frame times; needs a display)."},
        subcommands = {BenchCommand.Trials.class, BenchCommand.Storage.class, BenchOptimizersCommand.class, BenchOptimizersCommand.SuggestTimeCommand.class,
                BenchSchedulersCommand.class, BenchCurriculumCommand.class, BenchCurvesCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public void run() {
        cmd.commandLine().usage(cmd.commandLine().getOut());
    }

    @Command(name = "trials", mixinStandardHelpOptions = true,
            description = {"Trials per second of a persisted random-search sweep of an in-process objective that reports",
                    "intermediate values, against the same sweep on an in-memory database."})
    static final class Trials implements Callable<Integer> {
        @Option(names = "--trials", defaultValue = "2000", description = "Trials per sweep (default ${DEFAULT-VALUE}).")
        int trials;

        @Option(names = "--steps", defaultValue = "10", description = "Intermediate values per trial (default ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--slots", defaultValue = "1", description = "Trials at once (batch size; default ${DEFAULT-VALUE}).")
        int slots;

        @Option(names = "--repeats", defaultValue = "5", description = "Timed runs per storage (default ${DEFAULT-VALUE}).")
        int repeats;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = cmd.commandLine().getOut();
            Path scratch = Files.createTempDirectory("orchard-bench");
            try {
                var r = TrialThroughput.measure(trials, steps, slots, repeats, scratch);
                out.printf(Locale.ROOT, "%-10s %6s %8s %10s %12s%n", "storage", "trials", "seconds", "trials/s", "metric rows");
                for (var run : r.file()) {
                    print(out, run);
                }
                for (var run : r.memory()) {
                    print(out, run);
                }
                out.printf(Locale.ROOT, "median: h2-file %.0f trials/s, h2-memory %.0f trials/s, file/memory = %.2f%n",
                        r.medianFile(), r.medianMemory(), r.medianFile() / r.medianMemory());
            } finally {
                delete(scratch);
            }
            out.flush();
            return 0;
        }

        private static void print(PrintWriter out, TrialThroughput.Run run) {
            out.printf(Locale.ROOT, "%-10s %6d %8.3f %10.0f %12d%n", run.storage(), run.trials(), run.seconds(), run.trialsPerSecond(), run.metricRows());
        }
    }

    @Command(name = "storage", mixinStandardHelpOptions = true,
            description = {"Size of the history database per 1,000 trials: one persisted sweep of in-process branin per",
                    "optimizer into a fresh H2 file, measured while the engine has it open and after it closed."})
    static final class Storage implements Callable<Integer> {
        @Option(names = "--optimizers", split = ",", defaultValue = "auto,tpe,random",
                description = "Optimizers, one sweep each (default ${DEFAULT-VALUE}).")
        List<String> optimizers;

        @Option(names = "--trials", defaultValue = "3000", description = "Trials per sweep (default ${DEFAULT-VALUE}).")
        int trials;

        @Option(names = "--steps", defaultValue = "10", description = "Intermediate values per trial (default ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--slots", defaultValue = "4", description = "Trials at once (batch size; default ${DEFAULT-VALUE}).")
        int slots;

        @Option(names = "--delay-ms", defaultValue = "0", description = "Milliseconds each trial takes (default ${DEFAULT-VALUE}).")
        long delayMs;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec cmd;

        @Override
        public Integer call() throws Exception {
            if (trials < 1 || slots < 1 || steps < 0 || delayMs < 0) {
                throw new IllegalArgumentException("--trials and --slots must be at least 1, --steps and --delay-ms at least 0");
            }
            optimizers.forEach(Optimizers::checkName); // before the first sweep, not after
            PrintWriter out = cmd.commandLine().getOut();
            Path scratch = Files.createTempDirectory("orchard-bench");
            try {
                out.printf(Locale.ROOT, "%-10s %6s %8s %8s %9s %11s %15s %17s%n", "optimizer", "trials", "seconds",
                        "close s", "MB open", "MB closed", "MB/1000 open", "MB/1000 closed");
                for (String name : optimizers) {
                    var r = StorageSize.measure(name, trials, steps, slots, delayMs, scratch);
                    out.printf(Locale.ROOT, "%-10s %6d %8.1f %8.2f %9.2f %11.2f %15.2f %17.2f%n", r.optimizer(), r.trials(),
                            r.seconds(), r.closeSeconds(), r.bytesOpen() / 1e6, r.bytesClosed() / 1e6, r.mbPerThousandOpen(), r.mbPerThousandClosed());
                    out.flush();
                }
            } finally {
                delete(scratch);
            }
            return 0;
        }
    }

    private static void delete(Path dir) throws java.io.IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
