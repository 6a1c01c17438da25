package dev.orchard.engine.cli;

import dev.orchard.engine.optimize.Optimizers;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "optimizers", mixinStandardHelpOptions = true, description = "Lists the optimizers available by name (plug-ins included).")
final class OptimizersCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        Optimizers.available().forEach((name, p) -> cmd.commandLine().getOut().printf("%-12s %s%n", name, p.description()));
        cmd.commandLine().getOut().flush();
        return 0;
    }
}
