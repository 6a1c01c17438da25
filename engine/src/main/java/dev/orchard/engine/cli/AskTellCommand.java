package dev.orchard.engine.cli;

import dev.orchard.engine.json.Specs;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.optimize.Optimizers;
import dev.orchard.engine.protocol.AskTellSession;
import dev.orchard.engine.schedule.Scheduler;
import dev.orchard.engine.schedule.SchedulerContext;
import dev.orchard.engine.schedule.SchedulerSpec;
import dev.orchard.engine.schedule.SchedulerSpecException;
import dev.orchard.engine.schedule.Schedulers;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.trial.Direction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "ask-tell", mixinStandardHelpOptions = true,
        description = {"Serves an optimizer over JSON lines on stdin/stdout, for trainers in any language:",
                "  {\"op\":\"ask\"} -> {\"trial\":0,\"params\":{...}}",
                "  {\"op\":\"tell\",\"trial\":0,\"value\":1.5} -> {\"ok\":true}   (or \"state\":\"failed\" / \"pruned\")",
                "  {\"op\":\"best\"} -> {\"trial\":N,\"params\":{...},\"value\":V}",
                "With --scheduler, intermediate values get a decision (tell a stopped trial \"state\":\"pruned\" with its last value):",
                "  {\"op\":\"report\",\"trial\":0,\"step\":3,\"value\":0.7} -> {\"decision\":\"continue\"} or {\"decision\":\"stop\",\"reason\":...}",
                "A bad line is answered {\"error\":...} and the session goes on; end of input ends it. A line longer than",
                "1000000 bytes is answered {\"error\":...} and ends the session with exit code 2."})
final class AskTellCommand implements Callable<Integer> {
    @Option(names = "--space", required = true, paramLabel = "FILE", description = "Search space JSON: {\"params\":[...]}.")
    Path space;

    @Option(names = "--optimizer", defaultValue = "auto", paramLabel = "NAME", description = "Optimizer (default ${DEFAULT-VALUE}; see orchard optimizers).")
    String optimizer;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--direction", defaultValue = "minimize", paramLabel = "minimize|maximize", description = "Default ${DEFAULT-VALUE}.")
    String direction;

    @Option(names = "--scheduler", paramLabel = "TYPE", description = "Decide on reported values: asha, hyperband or median (stop mode).")
    String scheduler;

    @Option(names = "--grace", paramLabel = "STEPS", description = "asha/hyperband: first rung; median: steps before any stop (default 1).")
    Long grace;

    @Option(names = "--eta", paramLabel = "X", description = "asha/hyperband: reduction factor, > 1 (default 4).")
    Double eta;

    @Option(names = "--max-steps", paramLabel = "STEPS", description = "asha/hyperband: the step of a trial's full budget (required).")
    Long maxSteps;

    @Option(names = "--min-trials", paramLabel = "N", description = "median: trials that must have reached a step before it stops one (default 3).")
    Integer minTrials;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    /** Schedulers that only stop trials: ask/tell has no way to pause, resume or derive a trial. */
    static final java.util.List<String> STOPPING = java.util.List.of("asha", "hyperband", "median");

    @Override
    public Integer call() throws Exception {
        Direction dir = Direction.parse(direction);
        SearchSpace s = Specs.readSpace(space);
        var opt = Optimizers.create(optimizer, new OptimizerContext(s, dir, seed));
        var session = new AskTellSession(opt, dir, scheduler(s, dir));
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        session.serve(System.in, out, "standard input");
        out.flush();
        return 0;
    }

    /** The scheduler the options describe; errors name the option. */
    private java.util.Optional<Scheduler> scheduler(SearchSpace s, Direction dir) {
        if (scheduler == null) {
            for (Object given : new Object[]{grace, eta, maxSteps, minTrials}) {
                if (given != null) {
                    throw new CommandLine.ParameterException(cmd.commandLine(), "--grace, --eta, --max-steps and --min-trials need --scheduler");
                }
            }
            return java.util.Optional.empty();
        }
        if (!STOPPING.contains(scheduler)) {
            throw new CommandLine.ParameterException(cmd.commandLine(), "--scheduler: '" + scheduler + "' cannot serve ask-tell; valid: "
                    + String.join(", ", STOPPING) + " (promote mode and pbt pause, resume and derive trials: run them with orchard run)");
        }
        var spec = new SchedulerSpec(scheduler, null, null, grace, eta, maxSteps, null, minTrials, null, null, null, null, null);
        try {
            return java.util.Optional.of(Schedulers.create(spec, new SchedulerContext(s, dir, seed, 0)));
        } catch (SchedulerSpecException e) {
            String option = e.field().equals("type") ? "--scheduler" : "--" + e.field().replace('_', '-');
            throw new CommandLine.ParameterException(cmd.commandLine(), option + ": " + e.getMessage());
        }
    }
}
